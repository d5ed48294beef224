package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer file written with its zero blocks left as holes reads the same and takes its data's room. */
class SparseWriteTest {
    @TempDir
    Path temp;

    private long allocatedKiB(Path file) throws Exception {
        String[] f = HostTool.run(List.of("stat", "-c", "%b %B", file.toString()), temp, Duration.ofSeconds(10))
                .stdout().strip().split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]) / 1024;
    }

    @Test
    void copy_zeroBlocksInsideAndAtTheEnd_becomeHolesAndTheBytesStayTheSame() throws Exception {
        byte[] bytes = new byte[(8 << 20) + 100];
        new Random(5).nextBytes(bytes);
        Arrays.fill(bytes, 4096, 4 << 20, (byte) 0);
        Arrays.fill(bytes, 5 << 20, bytes.length, (byte) 0);
        Path file = temp.resolve("f");

        long copied = SparseWrite.copy(new ByteArrayInputStream(bytes), file);

        assertEquals(bytes.length, copied);
        assertEquals(-1, Arrays.mismatch(bytes, Files.readAllBytes(file)));
        // 4 KiB, then 1 MiB of data; the file system may round up, not by megabytes.
        assertTrue(allocatedKiB(file) < 1200, allocatedKiB(file) + " KiB");
    }

    @Test
    void copy_emptyAndAllZeros_haveTheirLength() throws Exception {
        assertEquals(0, SparseWrite.copy(new ByteArrayInputStream(new byte[0]), temp.resolve("empty")));
        assertEquals(0, Files.size(temp.resolve("empty")));
        assertEquals(3 << 20, SparseWrite.copy(new ByteArrayInputStream(new byte[3 << 20]), temp.resolve("zeros")));
        assertEquals(3 << 20, Files.size(temp.resolve("zeros")));
        assertTrue(allocatedKiB(temp.resolve("zeros")) <= 8, allocatedKiB(temp.resolve("zeros")) + " KiB");
        assertThrows(FileAlreadyExistsException.class,
                () -> SparseWrite.copy(new ByteArrayInputStream(new byte[1]), temp.resolve("zeros")));
    }
}
