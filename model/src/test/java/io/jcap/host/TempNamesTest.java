package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempNamesTest {
    @TempDir
    Path dir;

    @Test
    void newFile_isEmptyOwnerOnlyAndNamedWithANumber() throws Exception {
        Path file = TempNames.newFile(dir, ".image.json-", ".tmp");

        assertTrue(file.getFileName().toString().matches("\\.image\\.json-\\d+\\.tmp"), file.toString());
        assertEquals(dir, file.getParent());
        assertEquals(0, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(file.equals(TempNames.newFile(dir, ".image.json-", ".tmp")), "two calls, two names");
    }

    @Test
    void newFile_passesOverATakenName_aFileOrALink_andWritesNothingThroughTheLink() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.writeString(dir.resolve("t1.tmp"), "someone's");
        Files.createSymbolicLink(dir.resolve("t2.tmp"), elsewhere.resolve("target"));
        long[] numbers = {1, 2, 3};
        int[] next = {0};

        Path file = TempNames.newFile(dir, "t", ".tmp", () -> numbers[next[0]++]);

        assertEquals(dir.resolve("t3.tmp"), file);
        assertEquals("someone's", Files.readString(dir.resolve("t1.tmp")));
        assertFalse(Files.exists(elsewhere.resolve("target")));
    }

    @Test
    void newFile_givesUpAfterSoManyTakenNames() throws Exception {
        Files.writeString(dir.resolve("t7.tmp"), "taken");

        assertThrows(FileAlreadyExistsException.class, () -> TempNames.newFile(dir, "t", ".tmp", () -> 7));
    }
}
