package io.jcap.kernels.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.cpio.CpioWriter;
import io.jcap.host.FileTrees;
import io.jcap.host.HostTool;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver opens an entry's folder from the previous entry's when it lies below it (a tree
 * listed from the top goes down one level at a time): the folders below are made as before, a
 * folder that only starts with the same letters is not taken for one below, and a link met on
 * the way down is refused with the whole path of the folder it stands for.
 */
class DeepTreeReceiveTest {
    @TempDir
    Path temp;

    private static byte[] stream(List<ImageEntry> entries) throws Exception {
        return stream(entries, 0);
    }

    private static byte[] stream(List<ImageEntry> entries, long mtime) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, mtime).write(entries, out, EventSink.NONE);
        return out.toByteArray();
    }

    private static ImageEntry.RegularFile file(String path) {
        return new ImageEntry.RegularFile(GuestPath.of(path), 0644, FileContent.of(path.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void extract_entriesGoingDownAndAcross_withoutTheirFolders_landWhereTheySay() throws Exception {
        // No folder entries: the receiver makes each missing folder on the way.
        List<ImageEntry> entries = List.of(file("/a/b/f1"), file("/a/b/c/d/f2"), file("/a/bc/f3"),
                file("/a/b/c/d/e/f4"), file("/a/b/f5"), file("/top"));
        Path root = Files.createDirectory(temp.resolve("root"));

        HostTool.Result r = InitReceiver.run("--extract", stream(entries), root, temp);

        assertEquals(0, r.exitCode(), r.toString());
        for (String path : List.of("/a/b/f1", "/a/b/c/d/f2", "/a/bc/f3", "/a/b/c/d/e/f4", "/a/b/f5", "/top")) {
            assertEquals(path, Files.readString(root.resolve(path.substring(1))), path);
        }
        assertFalse(Files.exists(root.resolve("a/b/c/f3")), "a/bc is not a folder below a/b");
        assertFalse(Files.exists(root.resolve("a/b/c/d/f3")));
    }

    @Test
    void extract_aChainOf1000Folders_isWrittenWhole() throws Exception {
        ImageTree tree = new ImageTree();
        String deepest = "/d".repeat(1000);
        tree.add(file(deepest + "/bottom"));
        Path root = Files.createDirectory(temp.resolve("root"));

        try {
            HostTool.Result r = InitReceiver.run("--extract", stream(tree.entries()), root, temp);

            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stdout().startsWith("OK entries=1002 "), r.stdout());
            assertEquals(deepest + "/bottom", Files.readString(root.resolve(deepest.substring(1) + "/bottom")));
        } finally {
            // JUnit's own clean-up of the temporary folder takes the real path of every folder in it,
            // which costs depth^2 here.
            FileTrees.delete(root);
        }
    }

    /**
     * Folder times are set after the last entry (making a child changes them), each folder opened
     * from the one before when it lies below it: down a chain, across to a sibling, back up.
     */
    @Test
    void extract_everyFolderGetsItsTime_downAChainAndAcrossSiblings() throws Exception {
        long mtime = 1_000_000_000L;
        ImageTree tree = new ImageTree();
        String deepest = "/d".repeat(300);
        for (String path : List.of(deepest + "/bottom", "/a/b/f1", "/a/bc/f2", "/a/b/c/f3", "/d/d/side")) {
            tree.add(file(path));
        }
        Path root = Files.createDirectory(temp.resolve("root"));

        try {
            HostTool.Result r = InitReceiver.run("--extract", stream(tree.entries(), mtime), root, temp);

            assertEquals(0, r.exitCode(), r.toString());
            for (String folder : List.of("", "a", "a/b", "a/bc", "a/b/c", "d", "d/d", deepest.substring(1),
                    deepest.substring(1, deepest.length() - 2))) {
                assertEquals(FileTime.from(mtime, TimeUnit.SECONDS), Files.getLastModifiedTime(root.resolve(folder),
                        LinkOption.NOFOLLOW_LINKS), "/" + folder);
            }
        } finally {
            FileTrees.delete(root);
        }
    }

    @Test
    void extract_aLinkMetOnTheWayDownFromThePreviousFolder_isRefusedWithItsWholePath() throws Exception {
        Path outside = Files.createDirectory(temp.resolve("outside"));
        List<ImageEntry> entries = List.of(file("/a/b/f1"), new ImageEntry.Symlink(GuestPath.of("/a/b/ln"),
                outside.toString()), file("/a/b/ln/x/escaped"));
        Path root = Files.createDirectory(temp.resolve("root"));

        HostTool.Result r = InitReceiver.run("--extract", stream(entries), root, temp);

        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.toString().contains("its parent /a/b/ln is a symbolic link"), r.toString());
        assertFalse(Files.exists(outside.resolve("x"), LinkOption.NOFOLLOW_LINKS), "nothing written through the link");
    }
}
