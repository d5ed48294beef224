package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.TestMachine;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.ConsoleLogKeeper;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.testsupport.ChattyBootSector;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real detached guest that prints about three times the console log's limit: the log rotates,
 * the files stay at the limit, and reading the log (jcap logs) and following it (jcap logs -f)
 * work across the rotations.
 */
@Requires(Component.QEMU)
class ConsoleLogRotationIT {
    private static final String LINE = "JCAP-CHATTY " + "0123456789".repeat(8);
    private static final String LAST = "JCAP-CHATTY-END";
    private static final int TIMES = 2000;
    /** 2000 lines of 94 bytes: 188 000 bytes, a little less than three times the limit. */
    private static final long LIMIT = 64 * 1024;

    @TempDir
    Path dir;
    private DetachedQemu.Started guest;

    @AfterEach
    void stopGuest() throws Exception {
        if (guest != null && guest.process().isRunning()) {
            guest.process().signal(true);
            DetachedQemu.awaitEnd(guest.process(), Duration.ofSeconds(10));
        }
    }

    @Test
    void chattyGuest_logRotatesAtTheLimit_andReadsAndFollowsAcrossIt() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        Path disk = dir.resolve("disk.img");
        BootSector.writeDisk(ChattyBootSector.sector(LINE, TIMES, LAST), disk);
        VmSpec spec = VmSpec.builder().memoryMiB(32).drive(Drive.virtio(disk, DiskFormat.RAW).withBootIndex(0))
                .extraArgs("-device", BootSector.DEBUG_EXIT_DEVICE).build();
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);

        guest = DetachedQemu.start(qemu, spec, files, Duration.ofSeconds(30), LIMIT, java.util.Optional.empty());
        List<String> followed = Collections.synchronizedList(new ArrayList<>());
        // As jcap logs -f does: the keeper, a process of its own, may still write the last lines
        // after QEMU has ended, until it leaves its done marker.
        Path done = ConsoleLogKeeper.doneMarker(files.consoleLog());
        CompletableFuture<Void> follow = CompletableFuture.runAsync(() -> {
            try {
                ConsoleFollower.read(files.consoleLog(), () -> guest.process().isRunning() || !Files.exists(done),
                        followed::add);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(DetachedQemu.awaitEnd(guest.process(), Duration.ofMinutes(5)), "the guest prints and exits");
        follow.get(60, TimeUnit.SECONDS);

        // The files: console.log.1 holds the limit up to the end of its last line, console.log the
        // rest, nothing more.
        Path rotated = dir.resolve("console.log.1");
        long lineBytes = LINE.length() + 2;
        assertTrue(Files.size(rotated) >= LIMIT && Files.size(rotated) < LIMIT + lineBytes, "console.log.1 ends "
                + "with the line that crossed the limit: " + Files.size(rotated));
        assertTrue(Files.size(files.consoleLog()) < LIMIT + lineBytes, "console.log is at most the limit and a line");
        assertFalse(Files.exists(dir.resolve("console.log.2")));
        assertFalse(Files.exists(files.consoleSocket()), "the keeper ended with QEMU and removed its socket");

        // jcap logs: the last lines, all whole, in order, ending with the guest's last line.
        List<String> read = new ArrayList<>();
        ConsoleFollower.read(files.consoleLog(), null, read::add);
        assertEquals(LAST, read.get(read.size() - 1));
        assertEquals(Collections.nCopies(read.size() - 1, LINE), read.subList(0, read.size() - 1));
        assertEquals(Files.size(rotated) + Files.size(files.consoleLog()),
                (read.size() - 1) * lineBytes + LAST.length() + 2);

        // jcap logs -f: followed from the start across the rotations to the last line; every line is
        // whole, apart from where it says output may be missing.
        assertEquals(LAST, followed.get(followed.size() - 1));
        int lines = 0;
        for (int i = 0; i < followed.size() - 1; i++) {
            String line = followed.get(i);
            if (line.equals(LINE)) {
                lines++;
            } else {
                boolean besideAGap = line.equals(ConsoleFollower.SKIPPED)
                        || i > 0 && followed.get(i - 1).equals(ConsoleFollower.SKIPPED)
                        || i + 1 < followed.size() && followed.get(i + 1).equals(ConsoleFollower.SKIPPED);
                assertTrue(besideAGap || lines == 0, "line " + i + " is cut: " + line);
            }
        }
        if (!followed.contains(ConsoleFollower.SKIPPED)) {
            assertEquals(TIMES, lines, "with no rotation missed, every line was followed");
        }
    }
}
