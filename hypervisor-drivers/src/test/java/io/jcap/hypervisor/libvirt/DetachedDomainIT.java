package io.jcap.hypervisor.libvirt;

import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.bootSectorSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.HelperJvm;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requires;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.DomainInfo;

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

    /**
     * A host port jcap picked that another program takes before the domain starts: QEMU refuses
     * it, and the start is tried again with another (the supplier hands out the taken one first,
     * as a port free a moment before and taken since).
     */
    @Test
    void start_pickedHostPortTakenByThen_isTriedAgainWithAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int free = Ports.freeLoopbackPort();
            Iterator<Integer> picks = List.of(taken.getLocalPort(), free).iterator();

            started = DetachedDomain.start(LibvirtUri.SYSTEM, name, bootSectorSpec(dir,
                    BootSector.printThenHalt(LibvirtTestSupport.SPIN_LINE)).userNetwork(PortForward.tcp(0, 8080)).build(),
                    picks::next, () -> { }, new RecordedEvents());

            assertEquals(List.of(PortForward.tcp(free, 8080)), started.forwards());
            assertTrue(DetachedDomain.isRunning(LibvirtUri.SYSTEM, name));
            assertFalse(picks.hasNext());
        }
    }

    /**
     * A guest that powers off at once (a program that ends at once) must not be gone before jcap
     * read its QEMU's pid, which libvirt deletes as QEMU ends: the domain waits, paused, until then.
     */
    @Test
    void start_guestThatPowersOffAtOnce_isPausedUntilItsQemuIsKnown_thenRuns() throws Exception {
        DomainInfo.DomainState[] state = {null};
        started = DetachedDomain.start(LibvirtUri.SYSTEM, name, bootSectorSpec(dir,
                TestGuests.printThenPowerOff("gone at once")).build(), Forwarding.defaultSupplier(true),
                () -> state[0] = LibvirtTestSupport.domainState(name), new RecordedEvents());

        assertEquals(DomainInfo.DomainState.VIR_DOMAIN_PAUSED, state[0], "the domain while jcap looks for its QEMU");
        HostProcess qemu = started.qemu().orElseThrow();
        assertTrue(await(() -> Files.readString(started.consoleLog()).contains("gone at once")));
        assertTrue(await(() -> !qemu.isRunning()), "the guest powered off by itself");
        assertTrue(LibvirtTestSupport.domainExists(name), "ended, the domain stays defined");
    }

    @Test
    void watchEnd_endLineButNoPowerOff_watcherStopsQemuAfterTheGrace() throws Exception {
        started = DetachedDomain.start(LibvirtUri.SYSTEM, name, bootSectorSpec(dir,
                BootSector.printThenHalt("JCAP-EXIT 0")).build(), new RecordedEvents());

        DetachedDomain.watchEnd(started, new GuestEndWatch(Pattern.compile("(.*)JCAP-EXIT (\\d{1,3})$"),
                Duration.ofSeconds(2)));

        assertTrue(await(() -> !DetachedDomain.isRunning(LibvirtUri.SYSTEM, name)), "the watcher stopped QEMU");
        assertTrue(Files.readString(started.consoleLog()).contains("JCAP-EXIT 0"));
        assertTrue(Files.readString(started.folder().resolve(DetachedDomain.WATCH_LOG)).contains("did not power off"));
        assertTrue(await(() -> HelperJvm.running(ConsoleWatcher.class, started.consoleLog().toString()).isEmpty()),
                "the watcher ended with its QEMU");
    }

    @Test
    void watchEnd_noEndLine_leavesTheGuestRunning_andRemoveEndsTheWatcher() throws Exception {
        started = DetachedDomain.start(LibvirtUri.SYSTEM, name, bootSectorSpec(dir,
                BootSector.printThenHalt(LibvirtTestSupport.SPIN_LINE)).build(), new RecordedEvents());
        DetachedDomain.watchEnd(started, new GuestEndWatch(Pattern.compile("(.*)JCAP-EXIT (\\d{1,3})$"),
                Duration.ofMillis(200)));
        assertTrue(await(() -> Files.readString(started.consoleLog()).contains(LibvirtTestSupport.SPIN_LINE)));
        assertTrue(await(() -> !HelperJvm.running(ConsoleWatcher.class, started.consoleLog().toString()).isEmpty()));

        HostProcess qemu = started.qemu().orElseThrow();

        assertFalse(await(() -> !qemu.isRunning(), Duration.ofSeconds(3)), "no end line: nothing stopped the guest");
        assertTrue(DetachedDomain.isRunning(LibvirtUri.SYSTEM, name));
        Path watchLog = started.folder().resolve(DetachedDomain.WATCH_LOG);
        assertTrue(!Files.exists(watchLog) || !Files.readString(watchLog).contains("stopping QEMU"),
                "the watcher stopped nothing");
        DetachedDomain.remove(LibvirtUri.SYSTEM, name, started.folder());
        assertEquals(List.of(), HelperJvm.running(ConsoleWatcher.class, started.consoleLog().toString()));
        assertFalse(Files.exists(started.folder()));
        started = null;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean await(Check check) throws Exception {
        return await(check, WAIT);
    }

    /** Whether {@code check} holds within {@code within}, looked at every 200 ms. */
    private static boolean await(Check check, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}
