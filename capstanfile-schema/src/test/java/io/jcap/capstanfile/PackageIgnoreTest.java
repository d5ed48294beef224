package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.GuestPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of a Capstan package folder stays out of its image, as .capstanignore documents the patterns. */
class PackageIgnoreTest {
    private static boolean ignored(PackageIgnore ignore, String path) {
        return ignore.ignores(GuestPath.of(path));
    }

    @Test
    void ignores_capstansOwnFilesAndThePackagesMpm_always() {
        PackageIgnore ignore = PackageIgnore.of("app.demo", List.of());

        for (String path : List.of("/meta", "/meta/run.yaml", "/mpm-pkg/hello", "/.git/config", "/.gitignore",
                "/.capstanignore", "/volumes/data.img", "/app.demo.mpm")) {
            assertTrue(ignored(ignore, path), path);
        }
        for (String path : List.of("/hello", "/lib/meta", "/other.mpm", "/usr/.git")) {
            assertFalse(ignored(ignore, path), path);
        }
    }

    @Test
    void ignores_patternsAsCapstanDocumentsThem() {
        PackageIgnore ignore = PackageIgnore.of("app", List.of("/myfile.txt", "/myfolder/myfile.txt", "/**/deep.txt",
                "/ignored", "/emptied/*", "/*.log", "/**/*.o", "/x?.c", "/trailing/"));

        assertTrue(ignored(ignore, "/myfile.txt"));
        assertFalse(ignored(ignore, "/sub/myfile.txt"));
        assertTrue(ignored(ignore, "/myfolder/myfile.txt"));
        assertTrue(ignored(ignore, "/deep.txt"));
        assertTrue(ignored(ignore, "/a/b/deep.txt"));
        assertFalse(ignored(ignore, "/a/b/notdeep.txt"));
        assertTrue(ignored(ignore, "/ignored"));
        assertTrue(ignored(ignore, "/ignored/sub/file"));
        assertFalse(ignored(ignore, "/emptied"));
        assertTrue(ignored(ignore, "/emptied/file"));
        assertTrue(ignored(ignore, "/emptied/sub/file"));
        assertTrue(ignored(ignore, "/boot.log"));
        assertFalse(ignored(ignore, "/logs/boot.log"));
        assertTrue(ignored(ignore, "/lib/a.o"));
        assertTrue(ignored(ignore, "/x1.c"));
        assertFalse(ignored(ignore, "/x12.c"));
        assertTrue(ignored(ignore, "/trailing/file"));
        assertFalse(ignored(ignore, "/hello"));
    }

    @Test
    void ignores_regexCharactersInNamesAsThemselves() {
        PackageIgnore ignore = PackageIgnore.of("app", List.of("/a+b(c).txt"));

        assertTrue(ignored(ignore, "/a+b(c).txt"));
        assertFalse(ignored(ignore, "/aab(c)xtxt"));
    }

    @Test
    void check_refusesWhatCapstanCouldNotMatch() {
        assertEquals("'!keep' negates a pattern, which Capstan does not support either: list what to leave out instead",
                assertThrows(IllegalArgumentException.class, () -> PackageIgnore.check("!keep")).getMessage());
        assertEquals("'src' does not start with '/': patterns are paths from the package folder (/src, or /**/src at"
                + " any depth)", assertThrows(IllegalArgumentException.class, () -> PackageIgnore.check("src")).getMessage());
        assertEquals("'/a//b' has an empty folder name (//)",
                assertThrows(IllegalArgumentException.class, () -> PackageIgnore.check("/a//b")).getMessage());
        assertEquals("'/' would leave out the whole package: name what to leave out",
                assertThrows(IllegalArgumentException.class, () -> PackageIgnore.check("/")).getMessage());
    }
}
