package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.SpinningGuest;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;

@Requires(Component.LIBVIRT)
class LibvirtShutdownIT {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void jvmTerminated_destroysItsDomainAndDeletesItsFolder() throws Exception {
        Process child = SpinningGuest.startChild(SpinningDomainMain.class, dir);
        try {
            String[] vm = SpinningGuest.awaitVmLine(child);
            assertTrue(Files.isDirectory(Path.of(vm[2])));

            child.destroy();

            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertTrue(stoppedWithin(vm[1], BOUND), "domain " + vm[1] + " outlived its JVM");
            assertFalse(LibvirtTestSupport.domainExists(vm[1]), "the hook undefined the run's domain");
            assertFalse(Files.exists(Path.of(vm[2])));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void jvmKilled_libvirtDestroysTheDomainWithItsConnection() throws Exception {
        Process child = SpinningGuest.startChild(SpinningDomainMain.class, dir);
        Path folder = null;
        try {
            String[] vm = SpinningGuest.awaitVmLine(child);
            folder = Path.of(vm[2]);

            child.destroyForcibly();

            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertTrue(stoppedWithin(vm[1], BOUND), "domain " + vm[1] + " outlived its connection");
            // Stopped, the run's (persistent) domain stays defined: the next run's sweep undefines it (LibvirtVmIT).
            assertTrue(LibvirtTestSupport.domainExists(vm[1]));
            undefine(vm[1]);
        } finally {
            child.destroyForcibly();
            // No JVM was left to delete it: SIGKILL is the one way the folder stays behind.
            if (folder != null && Files.exists(folder)) {
                try (Stream<Path> paths = Files.walk(folder)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** Waits for libvirt's STOPPED event of the domain (or finds it stopped or gone already), bounded. */
    private static boolean stoppedWithin(String name, Duration bound) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        LifecycleListener listener = (domain, event) -> {
            try {
                if (event.getType() == DomainEventType.STOPPED && name.equals(domain.getName())) {
                    stopped.countDown();
                }
            } catch (LibvirtException e) {
                // Not the domain this test waits for.
            }
            return 0;
        };
        Connect connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        try {
            connect.addLifecycleListener(listener);
            return !running(connect, name) || stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            connect.removeLifecycleListener(listener);
            connect.close();
        }
    }

    private static boolean running(Connect connect, String name) throws LibvirtException {
        Optional<Domain> domain = LibvirtConnections.findDomain(connect, name);
        return domain.isPresent() && domain.get().isActive() == 1;
    }

    private static void undefine(String name) throws Exception {
        Connect connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        try {
            connect.domainLookupByName(name).undefine();
        } finally {
            connect.close();
        }
    }
}
