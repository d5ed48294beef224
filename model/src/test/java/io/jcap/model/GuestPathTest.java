package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class GuestPathTest {
    @Test
    void of_dotsAndDoubleSlashes_areNormalised() {
        assertEquals("/a/b/c", GuestPath.of("/a/./b//c").value());
        assertEquals("/usr/bin/app", GuestPath.of("/usr/lib/../bin/app").value());
        assertEquals("/app", GuestPath.of("/app/").value());
        assertEquals("/", GuestPath.of("/a/..").value());
    }

    /** Names that only start or end with dots are names; paths normalised already are taken as they are. */
    @Test
    void of_namesWithDots_andPathsNormalisedAlready() {
        for (String kept : List.of("/", "/.a", "/a.", "/..a", "/a..", "/...", "/a/.b/..c/...d", "/a b/c\\d")) {
            assertEquals(kept, GuestPath.of(kept).value(), kept);
            assertEquals(kept, new GuestPath(kept).value(), kept);
        }
        assertEquals("/a", GuestPath.of("/a/.").value());
        assertEquals("/", GuestPath.of("/.").value());
        assertEquals("/", GuestPath.of("//").value());
        assertEquals("/a/b", GuestPath.of("/a//b/").value());
        for (String refused : List.of("/a/.", "/a/..", "/.", "//", "/a//b", "/a/", "/a/./b", "/..", "/a/../b", "",
                "a", "a/b", "/a\nb", "/a\0b")) {
            assertThrows(IllegalArgumentException.class, () -> new GuestPath(refused), refused);
        }
        assertEquals("guest path '/a\\nb' may not contain NUL or newline characters",
                assertThrows(IllegalArgumentException.class, () -> GuestPath.of("/a\nb")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> GuestPath.of("/a\0b"));
    }

    @Test
    void of_pathEscapingRoot_isRefused() {
        assertEquals("guest path '/../x' escapes the image root",
                assertThrows(IllegalArgumentException.class, () -> GuestPath.of("/../x")).getMessage());
        assertEquals("guest path '/a/../../x' escapes the image root",
                assertThrows(IllegalArgumentException.class, () -> GuestPath.of("/a/../../x")).getMessage());
    }

    @Test
    void of_relativeOrEmptyPath_isRefused() {
        assertEquals("guest path 'app/x' must be absolute (start with /)",
                assertThrows(IllegalArgumentException.class, () -> GuestPath.of("app/x")).getMessage());
        assertEquals("a guest path may not be empty",
                assertThrows(IllegalArgumentException.class, () -> GuestPath.of("")).getMessage());
    }

    @Test
    void constructor_unnormalisedValue_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GuestPath("/a/./b"));
    }

    @Test
    void fileNameParentAndAncestors_followThePath() {
        GuestPath p = GuestPath.of("/usr/lib/app.so");
        assertEquals("app.so", p.fileName());
        assertEquals(GuestPath.of("/usr/lib"), p.parent());
        assertEquals(List.of(GuestPath.of("/usr"), GuestPath.of("/usr/lib")), p.ancestors());
        assertEquals(GuestPath.ROOT, GuestPath.ROOT.parent());
    }

    @Test
    void resolve_relativeNameEscapingRoot_isRefused() {
        assertEquals(GuestPath.of("/app/lib/x.jar"), GuestPath.of("/app").resolve("lib/x.jar"));
        assertThrows(IllegalArgumentException.class, () -> GuestPath.of("/app").resolve("../../x"));
    }

    @Test
    void child_isOneNameInTheFolder_andRefusesWhatIsNotOneName() {
        assertEquals(GuestPath.of("/etc"), GuestPath.ROOT.child("etc"));
        assertEquals(GuestPath.of("/etc/a b\\c..."), GuestPath.of("/etc").child("a b\\c..."));
        for (String refused : List.of("", ".", "..", "a/b", "/", "a\0b")) {
            assertThrows(IllegalArgumentException.class, () -> GuestPath.of("/etc").child(refused), refused);
        }
        assertEquals("guest path '/etc/a\\nb' may not have a name that is empty, \".\" or \"..\", or that holds a"
                + " slash, NUL or newline",
                assertThrows(IllegalArgumentException.class, () -> GuestPath.of("/etc").child("a\nb")).getMessage());
        assertEquals("guest path '/..' may not have a name that is empty, \".\" or \"..\", or that holds a slash, NUL"
                + " or newline", assertThrows(IllegalArgumentException.class, () -> GuestPath.ROOT.child("..")).getMessage());
    }
}
