package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaPassesTest {
    @TempDir
    Path dir;

    /** The passes as a set, as a caller's cache keeps them. */
    private static final class Known implements SchemaPasses {
        final Set<Sha256> keys = new HashSet<>();

        @Override
        public boolean contains(Sha256 key) {
            return keys.contains(key);
        }

        @Override
        public void add(Sha256 key) {
            keys.add(key);
        }
    }

    @Test
    void parse_aTextThatPasses_isRemembered_andAnotherTextIsAnotherKey() throws Exception {
        String text = "cmdline: /app/hello\nmemory: 128M\n";
        Files.writeString(dir.resolve("Capstanfile"), text);
        Known known = new Known();
        CapstanfileParser.beforeBuild().withSchemaPasses(known).parse(dir);
        assertEquals(Set.of(SchemaPasses.key(text)), known.keys);
        assertNotEquals(SchemaPasses.key(text), SchemaPasses.key(text + " "));
    }

    @Test
    void parse_aTextThatFailsTheSchema_isNotRemembered() throws Exception {
        Files.writeString(dir.resolve("Capstanfile"), "cmdline: /app/hello\nmemory: [1, 2]\n");
        Known known = new Known();
        assertThrows(CapstanfileException.class, () -> CapstanfileParser.beforeBuild().withSchemaPasses(known).parse(dir));
        assertTrue(known.keys.isEmpty());
    }

    @Test
    void parse_aTextKnownToPass_isNotCheckedAgainstTheSchema() throws Exception {
        // A key only the schema refuses (the mapper ignores it): known to pass, the text is taken.
        String text = "cmdline: /app/hello\nno_such_key: 1\n";
        Files.writeString(dir.resolve("Capstanfile"), text);
        CapstanfileException e = assertThrows(CapstanfileException.class,
                () -> CapstanfileParser.beforeBuild().parse(dir));
        assertTrue(e.getMessage().contains("no_such_key"), e.getMessage());
        Known known = new Known();
        known.add(SchemaPasses.key(text));
        assertEquals(java.util.Optional.of("/app/hello"),
                CapstanfileParser.beforeBuild().withSchemaPasses(known).parse(dir).cmdline());
    }
}
