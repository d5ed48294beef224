package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.GuestEndWatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The watchdog of a detached libvirt domain once its application has ended, as the console
 * keeper is a QEMU guest's ({@link GuestEndWatch}): a small process of its own (a
 * {@link io.jcap.hypervisor.HelperJvm}) that reads the domain's console file as QEMU writes it,
 * and stops the domain's QEMU when the guest has not powered off within the grace after the end
 * line (the Linux init's {@code JCAP-EXIT N}); libvirt then marks the domain shut off. It ends
 * with that QEMU. It uses the JDK and {@code io.jcap.hypervisor} alone.
 *
 * <p>{@code java -cp JAR io.jcap.hypervisor.libvirt.ConsoleWatcher LOG PID MARK END-LINE-REGEX GRACE-MS}:
 * MARK is a word of QEMU's command line (the domain's name), checked before it is stopped.
 */
public final class ConsoleWatcher {
    /** How often the console file is looked at. */
    static final Duration POLL = Duration.ofMillis(250);

    private ConsoleWatcher() {
    }

    /**
     * Feeds what is appended to {@code log} to {@code lines} until {@code qemu} ends, and what
     * was left in the file then.
     */
    static void follow(Path log, ProcessHandle qemu, GuestEndWatch.Lines lines, Duration poll)
            throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long offset = 0;
        try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ)) {
            for (;;) {
                boolean alive = qemu.isAlive();
                int n;
                while ((n = in.read(buffer, offset)) > 0) {
                    buffer.flip();
                    lines.feed(buffer);
                    buffer.clear();
                    offset += n;
                }
                if (!alive) {
                    return;
                }
                Thread.sleep(poll.toMillis());
            }
        }
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: " + GuestEndWatch.END_LINE_VARIABLE + "=REGEX ConsoleWatcher LOG PID MARK GRACE-MS");
            System.exit(2);
        }
        Path log = Path.of(args[0]);
        long pid = Long.parseLong(args[1]);
        String mark = args[2];
        GuestEndWatch watch = GuestEndWatch.passed(args[3]);
        Optional<ProcessHandle> qemu = ProcessHandle.of(pid);
        if (qemu.isEmpty()) {
            return;
        }
        // Not a daemon: the process lives until the stop it started is done.
        GuestEndWatch.Lines lines = watch.lines(() -> new Thread(() -> GuestEndWatch.stopUnlessEnded(pid, mark,
                watch.grace(), note -> System.err.println("console watcher for " + log + ": " + note)),
                "console-watcher-stop").start());
        try {
            follow(log, qemu.get(), lines, POLL);
        } catch (IOException | RuntimeException e) {
            System.err.println("console watcher for " + log + ": " + e);
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
