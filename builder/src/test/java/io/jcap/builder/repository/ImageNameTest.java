package io.jcap.builder.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageNameTest {
    /** Any text becomes a name check() takes: a repository and tag, a folder's name, nothing at all. */
    @Test
    void from_anyText_givesAValidName() {
        assertEquals("team-web-1.2", ImageName.check(ImageName.from("team/web-1.2")));
        assertEquals("my-app", ImageName.check(ImageName.from("__My App")));
        assertEquals("image", ImageName.check(ImageName.from("--")));
        assertEquals(63, ImageName.check(ImageName.from("a".repeat(80))).length());
        assertEquals("hello-world", ImageName.forFolder(Path.of("/tmp/Hello World")));
        assertThrows(IllegalArgumentException.class, () -> ImageName.check("Team/web"));
    }
}
