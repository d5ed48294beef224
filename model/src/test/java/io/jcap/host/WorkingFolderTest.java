package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkingFolderTest {
    @TempDir
    Path temp;

    private static final Path JVM_FOLDER = Path.of("").toAbsolutePath();

    @Test
    void absolute_takesTheShellsNameOfTheCurrentFolder_whenItIsALinkToIt() throws Exception {
        Path link = Files.createSymbolicLink(temp.resolve("app"), JVM_FOLDER);

        assertEquals(link, WorkingFolder.absolute(Path.of("."), Map.of("PWD", link.toString())));
        assertEquals(link.resolve("sub"), WorkingFolder.absolute(Path.of("sub/./"), Map.of("PWD", link.toString())));
        assertEquals(temp, WorkingFolder.absolute(Path.of(".."), Map.of("PWD", link.toString())),
                "'..' from the link, as the shell's cd .. goes");
    }

    @Test
    void absolute_keepsTheJvmsFolder_whenPwdIsAnotherFolder_relative_missingOrGone() throws Exception {
        Path other = Files.createDirectory(temp.resolve("other"));

        for (Map<String, String> env : java.util.List.of(Map.of("PWD", other.toString()), Map.of("PWD", "."),
                Map.<String, String>of(), Map.of("PWD", temp.resolve("gone").toString()), Map.of("PWD", "/a\0b"))) {
            assertEquals(JVM_FOLDER.resolve("x"), WorkingFolder.absolute(Path.of("x"), env), env.toString());
        }
    }

    @Test
    void absolute_ofAnAbsolutePath_isThatPathNormalised() {
        assertEquals(Path.of("/srv/app"), WorkingFolder.absolute(Path.of("/srv/./x/../app"), Map.of("PWD", "/")));
    }
}
