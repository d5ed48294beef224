package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file rewritten with other bytes of the same size while the builder guest receives the
 * tree: the stream read the new bytes, the inputs digest was taken from the old ones. Stored,
 * the image would hold what its digest does not describe, and a later build with the old bytes
 * back would call it up to date. The same for an OSv image's ROFS, written on the host.
 */
@Requires(Component.QEMU)
class ChangedDuringBuildIT {
    @TempDir
    Path temp;

    @Test
    @Requires({Component.QEMU, Component.LINUX_KERNEL})
    void aFileRewrittenWhileStreaming_failsTheBuild_andNothingIsStored() throws Exception {
        JcapHome home = TestMachine.homeWithKernels(temp.resolve("home"));
        Path project = Files.createDirectories(temp.resolve("project"));
        Path log = project.resolve("z-log");
        Files.write(project.resolve("a-big"), new byte[8 << 20]);
        Files.writeString(log, "A".repeat(4096));
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /bin/cat /data/z-log\nruntime: native\nfiles:\n"
                + "  /bin/cat: /usr/bin/cat\n  /data/a-big: a-big\n  /data/z-log: z-log\n");
        AtomicBoolean rewritten = new AtomicBoolean();
        // Once the stream has begun (the big file goes first), the small one gets other bytes.
        EventSink rewriter = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String task, long done, long total) {
                if (task.equals("Streaming files") && done > 0 && rewritten.compareAndSet(false, true)) {
                    try {
                        Files.writeString(log, "B".repeat(4096));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        JcapException e = assertThrows(JcapException.class, () -> new ImageBuilder(home, rewriter).build(
                new BuildRequest(project, Optional.of("changing"), Optional.empty(), false)));

        assertTrue(rewritten.get(), "the stream reported no progress");
        assertEquals(log + " changed while the image was being built, so the image was not stored (it could hold other"
                + " bytes than its digest records): build again once the files no longer change", e.getMessage());
        assertTrue(new ImageRepository(home.images()).usable("changing").isEmpty(), "an image was stored");
        try (var left = Files.list(home.tmp())) {
            assertEquals(0, left.filter(p -> !p.getFileName().toString().endsWith(".jcap-lock")).count());
        }
    }

    /** The same for an OSv image, whose ROFS is written on the host from the files read again. */
    @Test
    void osv_aFileRewrittenWhileTheRofsIsWritten_failsTheBuild_andNothingIsStored() throws Exception {
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("osv-home"), "osv");
        Path project = Files.createDirectories(temp.resolve("osv-project"));
        Path log = project.resolve("z-log");
        Files.write(project.resolve("a-big"), new byte[1 << 20]);
        Files.writeString(log, "A".repeat(4096));
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /data/z-log\nfiles:\n"
                + "  /data/a-big: a-big\n  /data/z-log: z-log\n");
        AtomicBoolean rewritten = new AtomicBoolean();
        // Once the big file is written into the ROFS (it goes first), the small one gets other bytes.
        EventSink rewriter = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String task, long done, long total) {
                if (task.equals("Writing ROFS") && done > 0 && done < total && rewritten.compareAndSet(false, true)) {
                    try {
                        Files.writeString(log, "B".repeat(4096));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        JcapException e = assertThrows(JcapException.class, () -> new ImageBuilder(home, rewriter).build(
                new BuildRequest(project, Optional.of("changing-osv"), Optional.empty(), false)));

        assertTrue(rewritten.get(), "the ROFS writer reported no progress between its files");
        assertEquals(log + " changed while the image was being built, so the image was not stored (it could hold other"
                + " bytes than its digest records): build again once the files no longer change", e.getMessage());
        assertTrue(new ImageRepository(home.images()).usable("changing-osv").isEmpty(), "an image was stored");
        try (var left = Files.list(home.tmp())) {
            assertEquals(0, left.filter(p -> !p.getFileName().toString().endsWith(".jcap-lock")).count());
        }
    }
}
