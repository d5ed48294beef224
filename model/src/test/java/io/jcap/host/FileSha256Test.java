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

class FileSha256Test {
    @TempDir
    Path dir;

    @Test
    void of_fileWithSpacesInItsName_givesTheSameDigestAsJava() throws Exception {
        byte[] bytes = new byte[3 << 20];
        new Random(7).nextBytes(bytes);
        Path file = dir.resolve("a disk, raw.img");
        Files.write(file, bytes);

        assertEquals(Sha256.of(bytes), FileSha256.of(file));
    }

    @Test
    void of_missingFile_failsAsTheJavaDigestDoes() {
        Path missing = dir.resolve("missing.qcow2");

        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FileSha256.of(missing));
        assertEquals(missing.toString(), e.getMessage());
    }
}
