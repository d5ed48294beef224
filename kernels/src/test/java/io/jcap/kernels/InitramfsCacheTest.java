package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsCacheTest {
    private static final String TEST_INIT = "/io/jcap/kernels/test-init";

    @TempDir
    Path temp;

    private static Initramfs initramfs(String init) {
        return new Initramfs(init, Initramfs.BUILDER_TOOLS, ElfLibraries.ofHost());
    }

    @Test
    void run_holdsWhatTheInitramfsComposes_andIsMadeOnce() throws Exception {
        Kernel kernel = TestKernels.cloudStore().get("linux");
        InitramfsCache cache = new InitramfsCache(temp, initramfs(TEST_INIT));
        Path first = cache.run(kernel);
        assertArrayEquals(initramfs(TEST_INIT).runInitramfs(kernel), Files.readAllBytes(first));
        Object identity = Files.readAttributes(first, "unix:ino,ctime");
        Path again = cache.run(kernel);
        assertEquals(first, again);
        assertEquals(identity, Files.readAttributes(again, "unix:ino,ctime"), "kept, not written again");
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
    }

    @Test
    void run_anotherInit_isAnotherFile() throws Exception {
        Kernel kernel = TestKernels.cloudStore().get("linux");
        Path ours = new InitramfsCache(temp, initramfs(TEST_INIT)).run(kernel);
        Path real = new InitramfsCache(temp, initramfs(Initramfs.INIT_RESOURCE)).run(kernel);
        assertNotEquals(ours, real);
        assertTrue(Files.isRegularFile(ours) && Files.isRegularFile(real));
    }

    @Test
    void run_deletesOldFilesBeyondTheNewest_butNotRecentOnes() throws Exception {
        Kernel kernel = TestKernels.cloudStore().get("linux");
        Path old = Files.writeString(temp.resolve("run-old.img"), "old");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(InitramfsCache.GRACE).minusSeconds(60)));
        Path recent = Files.writeString(temp.resolve("run-recent.img"), "recent");
        for (int i = 0; i < InitramfsCache.KEEP; i++) {
            Files.writeString(temp.resolve("run-" + i + ".img"), "x");
        }
        Path other = Files.writeString(temp.resolve("unrelated"), "not ours");
        new InitramfsCache(temp, initramfs(TEST_INIT)).run(kernel);
        assertFalse(Files.exists(old), "an old file beyond the newest goes");
        assertTrue(Files.exists(recent), "a recent one stays: another build may be reading it");
        assertTrue(Files.exists(other));
    }
}
