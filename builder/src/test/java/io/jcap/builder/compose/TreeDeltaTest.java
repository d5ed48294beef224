package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDeltaTest {
    private static final Map<String, String> DISK = Map.of("bytes", "67108864", "fs", "ext4");

    @TempDir
    Path temp;

    private static ImageEntry.RegularFile file(String path, int mode, String text) {
        return new ImageEntry.RegularFile(GuestPath.of(path), mode, FileContent.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static ImageTree tree(ImageEntry... entries) {
        ImageTree tree = new ImageTree();
        for (ImageEntry e : entries) {
            tree.add(e);
        }
        return tree;
    }

    private static ImageTree before() {
        return tree(file("/app/Main.class", 0644, "main v1"), file("/app/Gone.class", 0644, "gone"),
                file("/app/lib/dep.jar", 0644, "dependency"), new ImageEntry.Symlink(GuestPath.of("/app/current"), "lib"),
                new ImageEntry.Directory(GuestPath.of("/data/cache"), 0755), file("/data/cache/x", 0644, "x"),
                file("/etc/app.conf", 0644, "conf"));
    }

    private static TreeDelta delta(ImageTree before, ImageTree after) throws JcapException {
        return TreeDelta.between(TreeManifest.of(before, DISK), TreeManifest.of(after, DISK), after);
    }

    private static List<String> paths(List<ImageEntry> entries) {
        return entries.stream().map(e -> e.path().value()).toList();
    }

    @Test
    void between_sameTree_isEmpty() throws JcapException {
        TreeDelta delta = delta(before(), before());
        assertTrue(delta.isEmpty());
        assertEquals(0, delta.changed());
        assertEquals(0, delta.bytes());
    }

    @Test
    void between_changedAndRemovedFiles_sendsThoseAndTheirFoldersAndRemovesTheGone() throws JcapException {
        ImageTree after = tree(file("/app/Main.class", 0644, "main v2!"), file("/app/lib/dep.jar", 0644, "dependency"),
                new ImageEntry.Symlink(GuestPath.of("/app/current"), "lib"),
                new ImageEntry.Directory(GuestPath.of("/data/cache"), 0755), file("/data/cache/x", 0644, "x"),
                file("/etc/app.conf", 0644, "conf"));
        TreeDelta delta = delta(before(), after);
        assertEquals(List.of(GuestPath.of("/app/Gone.class")), delta.removed());
        assertEquals(List.of("/app", "/app/Main.class"), paths(delta.entries()));
        assertEquals(1, delta.changed());
        assertEquals(8, delta.bytes());
    }

    @Test
    void between_modeOwnerAndLinkTargetChanges_areChanges() throws JcapException {
        ImageTree after = tree(file("/app/Main.class", 0600, "main v1"), file("/app/Gone.class", 0644, "gone"),
                file("/app/lib/dep.jar", 0644, "dependency"), new ImageEntry.Symlink(GuestPath.of("/app/current"), "lib2"),
                new ImageEntry.Directory(GuestPath.of("/data/cache"), 0755, new ImageEntry.Owner(1000, 1000)),
                file("/data/cache/x", 0644, "x"), file("/etc/app.conf", 0644, "conf"));
        TreeDelta delta = delta(before(), after);
        assertEquals(List.of(), delta.removed());
        assertEquals(List.of("/app", "/app/Main.class", "/app/current", "/data", "/data/cache"), paths(delta.entries()));
        assertEquals(3, delta.changed());
    }

    @Test
    void between_folderBecomesFile_removesItsEntriesDeepestFirstThenWritesTheFile() throws JcapException {
        ImageTree after = tree(file("/app/Main.class", 0644, "main v1"), file("/app/Gone.class", 0644, "gone"),
                file("/app/lib/dep.jar", 0644, "dependency"), new ImageEntry.Symlink(GuestPath.of("/app/current"), "lib"),
                file("/data/cache", 0644, "now a file"), file("/etc/app.conf", 0644, "conf"));
        TreeDelta delta = delta(before(), after);
        assertEquals(List.of(GuestPath.of("/data/cache/x"), GuestPath.of("/data/cache")), delta.removed());
        assertEquals(List.of("/data", "/data/cache"), paths(delta.entries()));
        assertEquals(1, delta.changed());
    }

    @Test
    void between_newFolderWithFiles_sendsTheFolderBeforeItsFiles() throws JcapException {
        ImageTree after = before();
        after.add(file("/srv/www/index.html", 0644, "<p>hi</p>"));
        TreeDelta delta = delta(before(), after);
        assertEquals(List.of(), delta.removed());
        assertEquals(List.of("/", "/srv", "/srv/www", "/srv/www/index.html"), paths(delta.entries()));
        assertEquals(3, delta.changed());
    }

    @Test
    void manifest_writtenAndRead_isTheSame() throws Exception {
        TreeManifest manifest = TreeManifest.of(before(), DISK);
        Path file = temp.resolve(TreeManifest.FILE);
        manifest.write(file);
        assertEquals(manifest, TreeManifest.read(file));
        assertTrue(Files.readAllLines(file).contains("f 644 0 0 7 " + io.jcap.model.Sha256.of(
                "main v1".getBytes(StandardCharsets.UTF_8)).hex() + " /app/Main.class"));
    }

    @Test
    void manifest_pathWithSpaces_roundTrips() throws Exception {
        TreeManifest manifest = TreeManifest.of(tree(file("/my app/a b.txt", 0644, "x")), DISK);
        Path file = temp.resolve(TreeManifest.FILE);
        manifest.write(file);
        assertEquals(manifest, TreeManifest.read(file));
    }

    @Test
    void manifest_pathsWithCarriageReturnsAndOtherBreaks_roundTrip() throws Exception {
        // Only a line feed is refused in a guest path; YAML's other line breaks are names' bytes.
        TreeManifest manifest = TreeManifest.of(tree(file("/d/x", 0644, "a"), file("/d/x\r", 0644, "b"),
                file("/d/y\u0085\u2028", 0644, "c"), file("/d/cr\r", 0644, "d")), DISK);
        Path file = temp.resolve(TreeManifest.FILE);
        manifest.write(file);
        TreeManifest read = TreeManifest.read(file);
        assertEquals(manifest, read);
        assertEquals(4, read.entries().keySet().stream().filter(p -> p.value().startsWith("/d/")).count());
    }

    @Test
    void manifest_badLine_isRefusedNamingTheLine() throws Exception {
        assertUnreadable("jcap-image-tree 1\ndisk fs ext4\nf 644 0 0\n",
                " line 3: expected TYPE MODE UID GID SIZE DIGEST PATH");
    }

    @Test
    void manifest_otherFile_isRefused() throws Exception {
        assertUnreadable("something else\n", " does not start with 'jcap-image-tree 1'");
    }

    private void assertUnreadable(String content, String problem) throws Exception {
        Path file = Files.writeString(temp.resolve(TreeManifest.FILE), content);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TreeManifest.read(file));
        assertEquals(file + problem, e.getMessage());
    }
}
