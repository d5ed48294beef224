package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.Sha256;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestsTest {
    @TempDir
    Path dir;

    @Test
    void sha256_fileWithSpacesInItsName_givesTheSameDigestAsJava() throws Exception {
        byte[] bytes = new byte[3 << 20];
        new Random(7).nextBytes(bytes);
        Path file = dir.resolve("a disk, raw.img");
        Files.write(file, bytes);

        assertEquals(Sha256.of(bytes), FileDigests.sha256(file));
    }

    @Test
    void sha256_missingFile_failsAsTheJavaDigestDoes() {
        Path missing = dir.resolve("missing.qcow2");

        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FileDigests.sha256(missing));
        assertEquals(missing.toString(), e.getMessage());
    }

    @Test
    void start_severalFiles_givesEachItsDigestInOrder_forBothAlgorithms() throws Exception {
        Files.writeString(dir.resolve("b"), "bee");
        Files.writeString(dir.resolve("a *x"), "ay");

        java.util.Map<String, String> sha256 = FileDigests.start(FileDigests.Algorithm.SHA256, dir, java.util.List.of("b", "a *x"))
                .await(java.time.Duration.ofSeconds(30));
        java.util.Map<String, String> sha512 = FileDigests.start(FileDigests.Algorithm.SHA512, dir, java.util.List.of("b"))
                .await(java.time.Duration.ofSeconds(30));

        assertEquals(java.util.List.of("b", "a *x"), java.util.List.copyOf(sha256.keySet()));
        assertEquals(Sha256.of("bee".getBytes()).hex(), sha256.get("b"));
        assertEquals(Sha256.of("ay".getBytes()).hex(), sha256.get("a *x"));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512")
                .digest("bee".getBytes())), sha512.get("b"));
    }

    @Test
    void parse_otherOutput_isRefused_soTheNextToolOrJavaTakesOver() {
        FileDigests.Running running = FileDigests.start(FileDigests.Algorithm.SHA256, dir, java.util.List.of("x"));
        running.stop();
        String hex = "ab".repeat(32);
        assertEquals(java.util.Map.of("x", hex), running.parse(hex + " *x\n"));
        assertEquals(java.util.Map.of("x", hex), running.parse(hex + "  x\n"));
        assertEquals(null, running.parse("SHA2-256(x)= " + hex + "\n"));
        assertEquals(null, running.parse(hex + " *x\n" + hex + " *y\n"));
        assertEquals(null, running.parse(hex.toUpperCase() + " *x\n"));
    }
}
