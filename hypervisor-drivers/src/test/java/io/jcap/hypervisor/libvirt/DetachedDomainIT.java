package io.jcap.hypervisor.libvirt;

import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.bootSectorSpec;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.BootSector;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistent domains of the local libvirtd that outlive their connection, as detached instances use them. */
@Requires(Component.LIBVIRT)
class DetachedDomainIT {
    private static final Duration WAIT = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    private final String name = "jcap-it-detached-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private DetachedDomain.Started started;

    @AfterEach
    void remove() throws Exception {
        if (started != null) {
            DetachedDomain.remove(LibvirtUri.SYSTEM, name, started.folder());
        }
    }

    @Test
    void start_runsOnAfterItsConnection_stopKeepsItDefined_removeLeavesNothing() throws Exception {
        started = DetachedDomain.start(LibvirtUri.SYSTEM, name, bootSectorSpec(dir,
                BootSector.printThenHalt(LibvirtTestSupport.SPIN_LINE)).build(), new RecordedEvents());

        assertTrue(DetachedDomain.isRunning(LibvirtUri.SYSTEM, name));
        assertTrue(await(() -> Files.readString(started.consoleLog()).contains(LibvirtTestSupport.SPIN_LINE)));
        assertTrue(started.qemu().orElseThrow().isRunning());

        // A halted boot sector does not answer the power button: stop destroys it after the timeout.
        assertFalse(DetachedDomain.stop(LibvirtUri.SYSTEM, name, Duration.ofMillis(500)));

        assertFalse(DetachedDomain.isRunning(LibvirtUri.SYSTEM, name));
        assertTrue(LibvirtTestSupport.domainExists(name), "stopped, the domain stays defined");
        DetachedDomain.remove(LibvirtUri.SYSTEM, name, started.folder());
        assertFalse(LibvirtTestSupport.domainExists(name));
        assertFalse(Files.exists(started.folder()));
        assertFalse(Files.exists(Path.of("/var/log/libvirt/qemu", name + ".log")));
        started = null;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean await(Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}
