package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached QEMU version, with a stand-in qemu-system-x86_64 that counts how often it is asked. */
class QemuVersionCacheTest {
    @TempDir
    Path dir;

    private Path binary;
    private Path calls;
    private Path cache;

    @BeforeEach
    void fakeQemu() throws Exception {
        binary = dir.resolve("bin").resolve("qemu-system-x86_64");
        calls = dir.resolve("calls");
        cache = dir.resolve("cache");
        Files.createDirectories(binary.getParent());
        Files.writeString(calls, "");
        writeBinary("8.1.3");
    }

    @Test
    void detect_unchangedBinary_asksItOnlyOnce() throws Exception {
        assertEquals(new QemuVersion(8, 1, 3), detect().version());
        assertEquals(new QemuVersion(8, 1, 3), detect().version());

        assertEquals(1, calls());
        assertEquals(Optional.of("QEMU emulator version 8.1.3 (stand-in)"),
                new QemuVersionCache(cache).lookup(QemuVersionCache.key(binary).orElseThrow()));
    }

    @Test
    void detect_binaryReplaced_readsTheNewVersion() throws Exception {
        detect();
        writeBinary("9.0.12");

        assertEquals(new QemuVersion(9, 0, 12), detect().version());
        assertEquals(2, calls());
    }

    @Test
    void detect_binaryOnlyTouched_asksAgain() throws Exception {
        detect();
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() - 60_000));

        detect();

        assertEquals(2, calls());
    }

    @Test
    void detect_corruptCacheFile_asksAgainAndRewritesIt() throws Exception {
        detect();
        Files.write(cache.resolve(QemuVersionCache.FILE), new byte[] {(byte) 0xff, 0, '\n', (byte) 0xc3});

        assertEquals(new QemuVersion(8, 1, 3), detect().version());
        detect();

        assertEquals(2, calls());
    }

    @Test
    void detect_entryWithAnUnreadableVersion_asksAgain() throws Exception {
        new QemuVersionCache(cache).store(QemuVersionCache.key(binary).orElseThrow(), "no version here");

        assertEquals(new QemuVersion(8, 1, 3), detect().version());
        assertEquals(1, calls());
    }

    @Test
    void detect_cacheFolderCannotBeMade_stillFindsTheVersion() throws Exception {
        Files.writeString(cache, "a file where the folder would go");

        assertEquals(new QemuVersion(8, 1, 3), detect().version());
        assertEquals(new QemuVersion(8, 1, 3), detect().version());
        assertEquals(2, calls());
    }

    private QemuInstallation detect() throws Exception {
        return QemuInstallation.detect(Map.of(QemuInstallation.ENV_VAR, binary.toString(), "PATH", ""),
                Optional.of(cache));
    }

    private void writeBinary(String version) throws Exception {
        Files.writeString(binary, "#!/bin/sh\necho called >> '" + calls + "'\n"
                + "echo 'QEMU emulator version " + version + " (stand-in)'\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private long calls() throws Exception {
        return Files.readAllLines(calls).size();
    }
}
