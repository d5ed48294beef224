package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path dir;

    @Test
    void delete_removesTheTreeButNotWhatItsLinksPointTo() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept"), "x");
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file"), "y");
        Files.createSymbolicLink(dir.resolve("tree/a/link"), outside);
        Files.createSymbolicLink(dir.resolve("tree/a/file-link"), kept);

        FileTrees.delete(dir.resolve("tree"));

        assertFalse(Files.exists(dir.resolve("tree")));
        assertTrue(Files.exists(kept));
    }

    @Test
    void delete_missingOrNull_doesNothing() throws Exception {
        FileTrees.delete(dir.resolve("missing"));
        FileTrees.delete(null);
        FileTrees.deleteQuietly(dir.resolve("missing"));
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void delete_aLinkAtTheTop_removesTheLinkOnly() throws Exception {
        Path target = Files.createDirectories(dir.resolve("target"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        FileTrees.delete(link);
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isDirectory(target));
    }
}
