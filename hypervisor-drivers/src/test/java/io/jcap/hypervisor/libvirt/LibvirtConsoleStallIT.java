package io.jcap.hypervisor.libvirt;

import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.BOOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EnvironmentException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A console stream that delivers nothing while the guest prints: the fault CI met now and then,
 * made here on demand by stopping the real libvirtd (SIGSTOP) for a few seconds, while virtlogd
 * goes on writing the console's log. What the guest printed meanwhile must come from the log, and
 * the stream's copies of it, once libvirtd goes on, must not come twice. And a daemon that never
 * answers (as a deadlocked libvirtd did once in CI) must not hold a connection's open for ever.
 * Isolated: no other test may meet a stopped daemon; a shell continues it after a bound even if
 * this JVM dies.
 */
@Requires(Component.LIBVIRT)
@Isolated
class LibvirtConsoleStallIT {
    /** How long libvirtd stays stopped at most, whatever happens to this JVM. */
    private static final int STOPPED_AT_MOST_SECONDS = 20;

    @TempDir
    Path dir;

    @Test
    void streamQuietWhileTheGuestPrints_theLinesComeFromTheLog_andOnlyOnce() throws Exception {
        VmSpec spec = TestGuests.busyboxLinux(dir, List.of("/bin/busybox echo JCAP-FIRST", "/bin/busybox sleep 4",
                "/bin/busybox echo JCAP-SECOND", "/bin/busybox echo JCAP-SECOND-TOO", "/bin/busybox sleep 10",
                "/bin/busybox echo JCAP-THIRD"));
        List<String> heard = new CopyOnWriteArrayList<>();
        try (LibvirtVm vm = new LibvirtVm(spec).withConsoleListener(heard::add)) {
            vm.start();
            vm.awaitLine(Pattern.compile("^JCAP-FIRST$"), BOOT);

            long pid = libvirtdPid();
            Process stopped = new ProcessBuilder("sh", "-c", "kill -STOP " + pid + "; sleep "
                    + STOPPED_AT_MOST_SECONDS + "; kill -CONT " + pid).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(14);
                while (!heard.contains("JCAP-SECOND-TOO") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(heard.contains("JCAP-SECOND-TOO"), "with libvirtd stopped, the log's lines did not come: "
                        + heard);
                assertTrue(isStopped(pid), "libvirtd went on before the lines came: the log was not needed");
            } finally {
                stopped.destroy();
                new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
            }

            assertEquals(LibvirtVm.POWERED_OFF, vm.awaitExit(BOOT));
        }
        // The kernel's own last line ("reboot: Power down") aside.
        assertEquals(List.of("JCAP-FIRST", "JCAP-SECOND", "JCAP-SECOND-TOO", "JCAP-THIRD"),
                heard.stream().filter(line -> line.startsWith("JCAP-")).toList(), heard.toString());
    }

    @Test
    void open_daemonNeverAnswers_givesUpAfterTheBound_sayingSo() throws Exception {
        long pid = libvirtdPid();
        Process stopped = new ProcessBuilder("sh", "-c", "kill -STOP " + pid + "; sleep "
                + STOPPED_AT_MOST_SECONDS + "; kill -CONT " + pid).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!isStopped(pid) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(isStopped(pid), "libvirtd was not stopped");

            EnvironmentException e = assertThrows(EnvironmentException.class,
                    () -> LibvirtConnections.open(LibvirtUri.SYSTEM, Duration.ofSeconds(2)));

            assertEquals("libvirt at qemu:///system did not answer within 2 s: its daemon may be hung or stopped;"
                    + " restart it (systemctl restart libvirtd) and try again", e.getMessage());
            assertTrue(isStopped(pid), "libvirtd went on before the open gave up");
        } finally {
            stopped.destroy();
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        }
        LibvirtConnections.closeQuietly(LibvirtConnections.open(LibvirtUri.SYSTEM));
    }

    private static long libvirtdPid() throws Exception {
        Process p = new ProcessBuilder("pidof", "-s", "libvirtd").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor(), "no libvirtd process (a modular daemon set-up is not covered here)");
        return Long.parseLong(out);
    }

    /** Whether the process is stopped (state T in /proc/PID/stat). */
    private static boolean isStopped(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    }
}
