package io.jcap.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

/**
 * Edits of a file that change its status-change time, as an edit by a person does: file times
 * come from a clock that ticks every few milliseconds, so a rewrite right after the file was
 * written can keep its time (the racy case a digest cache refuses to trust, and which tests that
 * trust every file must step past).
 */
public final class FileEdits {
    /** How long the file clock may take to tick. */
    static final Duration TICK_BOUND = Duration.ofSeconds(2);

    private FileEdits() {
    }

    /** Writes {@code bytes} to {@code file} again until its ctime differs from before the edit. */
    public static void rewrite(Path file, byte[] bytes) throws IOException, InterruptedException {
        Object before = Files.getAttribute(file, "unix:ctime");
        long deadline = System.nanoTime() + TICK_BOUND.toNanos();
        Files.write(file, bytes);
        while (((FileTime) before).equals(Files.getAttribute(file, "unix:ctime"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ctime of " + file + " did not change within " + TICK_BOUND);
            }
            Thread.sleep(1);
            Files.write(file, bytes);
        }
    }
}
