package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.capstanfile.SchemaPasses;
import io.jcap.model.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidCapstanfilesTest {
    @TempDir
    Path temp;

    @Test
    void add_isKnownToTheNextRun_andTheOldestGoBeyondTheLimit() throws Exception {
        Path file = temp.resolve("cache/valid-capstanfiles");
        Sha256 first = SchemaPasses.key("cmdline: /first\n");
        ValidCapstanfiles valid = new ValidCapstanfiles(file);
        assertFalse(valid.contains(first));
        valid.add(first);
        assertTrue(new ValidCapstanfiles(file).contains(first));
        for (int i = 0; i < ValidCapstanfiles.LIMIT; i++) {
            valid.add(SchemaPasses.key("cmdline: /app" + i + "\n"));
        }
        ValidCapstanfiles reread = new ValidCapstanfiles(file);
        assertFalse(reread.contains(first));
        assertTrue(reread.contains(SchemaPasses.key("cmdline: /app" + (ValidCapstanfiles.LIMIT - 1) + "\n")));
        assertEquals(ValidCapstanfiles.LIMIT, Files.readAllLines(file).size());
    }

    @Test
    void aDamagedFile_isAnEmptyCache() throws Exception {
        Path file = Files.writeString(temp.resolve("valid"), "not a key\n\u0000\n");
        assertFalse(new ValidCapstanfiles(file).contains(SchemaPasses.key("x")));
    }
}
