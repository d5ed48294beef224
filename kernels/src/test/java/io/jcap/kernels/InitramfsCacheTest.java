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

    @Test
    void builder_holdsWhatTheInitramfsComposes_isMadeOnce_andAnotherHostToolIsAnotherFile() throws Exception {
        Kernel kernel = TestKernels.cloudStore().get("linux");
        io.jcap.host.DigestCache digests = io.jcap.host.DigestCache.at(temp.resolve("digests"));
        Path cacheDir = temp.resolve("cache");
        Path first = new InitramfsCache(cacheDir, initramfs(TEST_INIT)).builder(kernel, digests);
        assertArrayEquals(initramfs(TEST_INIT).builderInitramfs(kernel), Files.readAllBytes(first));
        assertTrue(first.getFileName().toString().startsWith("builder-"));
        Object identity = Files.readAttributes(first, "unix:ino,ctime");
        assertEquals(first, new InitramfsCache(cacheDir, initramfs(TEST_INIT)).builder(kernel, digests));
        assertEquals(identity, Files.readAttributes(first, "unix:ino,ctime"), "kept, not written again");

        // Another mke2fs (a copy of the host's with a byte added: an upgrade) names another file.
        Path host = Initramfs.BUILDER_TOOLS.get(0).hostCandidates().stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow();
        Path upgraded = temp.resolve("mke2fs");
        Files.write(upgraded, java.util.Arrays.copyOf(Files.readAllBytes(host), (int) Files.size(host) + 1));
        Files.setPosixFilePermissions(upgraded, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        java.util.List<Initramfs.HostTool> tools = java.util.List.of(new Initramfs.HostTool(
                Initramfs.BUILDER_TOOLS.get(0).guestPath(), java.util.List.of(upgraded), "e2fsprogs"),
                Initramfs.BUILDER_TOOLS.get(1));
        Path other = new InitramfsCache(cacheDir, new Initramfs(TEST_INIT, tools, ElfLibraries.ofHost()))
                .builder(kernel, digests);
        assertNotEquals(first, other);
        assertTrue(Files.isRegularFile(first) && Files.isRegularFile(other));
    }
}
