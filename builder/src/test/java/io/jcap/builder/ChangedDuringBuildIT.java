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
        buildWhileRewriting(TestMachine.homeWithKernels(temp.resolve("home")), 8 << 20,
                "cmdline: /bin/cat /data/z-log\nruntime: native\nfiles:\n  /bin/cat: /usr/bin/cat\n",
                "Streaming files");
    }

    /** The same for an OSv image, whose ROFS is written on the host from the files read again. */
    @Test
    void osv_aFileRewrittenWhileTheRofsIsWritten_failsTheBuild_andNothingIsStored() throws Exception {
        buildWhileRewriting(OsvSamples.homeWithLoader(temp.resolve("home"), "osv"), 1 << 20,
                "kernel: osv\ncmdline: /data/z-log\nfiles:\n", "Writing ROFS");
    }

    /**
     * Builds a project of a big file and a small one ({@code capstanfile} and their two
     * {@code files} lines), rewriting the small one once {@code task} has made progress on the
     * big one (it goes first), and checks the build refuses to store the image.
     */
    private void buildWhileRewriting(JcapHome home, int bigBytes, String capstanfile, String task) throws Exception {
        Path project = Files.createDirectories(temp.resolve("project"));
        Path log = project.resolve("z-log");
        Files.write(project.resolve("a-big"), new byte[bigBytes]);
        Files.writeString(log, "A".repeat(4096));
        Files.writeString(project.resolve("Capstanfile"), capstanfile + "  /data/a-big: a-big\n  /data/z-log: z-log\n");
        AtomicBoolean rewritten = new AtomicBoolean();
        EventSink rewriter = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String name, long done, long total) {
                if (name.equals(task) && done > 0 && done < total && rewritten.compareAndSet(false, true)) {
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

        assertTrue(rewritten.get(), task + " reported no progress between the two files");
        assertEquals(log + " changed while the image was being built, so the image was not stored (it could hold other"
                + " bytes than its digest records): build again once the files no longer change", e.getMessage());
        assertTrue(new ImageRepository(home.images()).usable("changing").isEmpty(), "an image was stored");
        try (var left = Files.list(home.tmp())) {
            assertEquals(0, left.filter(p -> !p.getFileName().toString().endsWith(".jcap-lock")).count());
        }
    }
}
