package io.jcap.kernels.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.cpio.CpioWriter;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver creates a file with its permission bits and leaves out the calls for owner and
 * mode where the result is already right (a file of root's without set-user-ID, set-group-ID or
 * sticky bits); every other file still gets them, and a file already in the way is replaced.
 * Run as root, as the guest's init is (and as CI runs); as another user owners cannot be given.
 */
class OwnerModeReceiveTest {
    @TempDir
    Path temp;

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static byte[] stream(ImageTree tree) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(tree.entries(), out, EventSink.NONE);
        return out.toByteArray();
    }

    private static ImageEntry.RegularFile file(String path, int mode, long uid, long gid) {
        return new ImageEntry.RegularFile(GuestPath.of(path), mode,
                FileContent.of(path.getBytes(StandardCharsets.UTF_8)), new ImageEntry.Owner(uid, gid));
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static String owner(Path p) throws Exception {
        return Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void extract_filesOfEveryKindOfOwnerAndMode_getExactlyTheirs() throws Exception {
        ImageTree tree = new ImageTree();
        tree.add(file("/a/plain", 0644, 0, 0));
        tree.add(file("/a/open", 0666, 0, 0)); // no umask applied
        tree.add(file("/a/readonly", 0444, 0, 0));
        tree.add(file("/a/suid", 04755, 0, 0));
        tree.add(file("/a/sticky", 01644, 0, 0));
        tree.add(file("/a/user", 0640, 1000, 1001));
        tree.add(file("/a/setgid-user", 02755, 1000, 1001)); // chown clears set-group-ID: mode comes after
        tree.add(new ImageEntry.Directory(GuestPath.of("/g"), 02775, new ImageEntry.Owner(0, 50)));
        tree.add(file("/g/in-setgid-folder", 0644, 0, 0)); // would take group 50 from its folder
        Path root = Files.createDirectory(temp.resolve("root"));

        HostTool.Result r = InitReceiver.run("--extract", stream(tree), root, temp);

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("OK entries=11 "), r.stdout());
        Map<String, Integer> modes = Map.of("a/plain", 0644, "a/open", 0666, "a/readonly", 0444, "a/suid", 04755,
                "a/sticky", 01644, "a/user", 0640, "a/setgid-user", 02755, "g", 02775, "g/in-setgid-folder", 0644);
        for (Map.Entry<String, Integer> m : modes.entrySet()) {
            assertEquals(Integer.toOctalString(m.getValue()), Integer.toOctalString(mode(root.resolve(m.getKey()))),
                    m.getKey());
        }
        assertEquals("/a/readonly", Files.readString(root.resolve("a/readonly")));
        if (root()) {
            Map<String, String> owners = Map.of("a/plain", "0:0", "a/suid", "0:0", "a/user", "1000:1001",
                    "a/setgid-user", "1000:1001", "g", "0:50", "g/in-setgid-folder", "0:0");
            for (Map.Entry<String, String> o : owners.entrySet()) {
                assertEquals(o.getValue(), owner(root.resolve(o.getKey())), o.getKey());
            }
        }
    }

    @Test
    void update_fileOrLinkInTheWay_isReplaced_andAFolderInTheWayIsRefused() throws Exception {
        Path root = Files.createDirectory(temp.resolve("root"));
        Files.createDirectories(root.resolve("a/dir"));
        Files.writeString(root.resolve("a/old"), "old bytes, longer than the new ones\n");
        Files.createSymbolicLink(root.resolve("a/link"), temp.resolve("outside"));
        ImageTree tree = new ImageTree();
        tree.add(file("/a/old", 0600, 0, 0));
        tree.add(file("/a/link", 0644, 0, 0));

        HostTool.Result r = InitReceiver.run("--update", stream(tree), root, temp);

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("/a/old", Files.readString(root.resolve("a/old")));
        assertEquals("600", Integer.toOctalString(mode(root.resolve("a/old"))));
        assertFalse(Files.isSymbolicLink(root.resolve("a/link")));
        assertEquals("/a/link", Files.readString(root.resolve("a/link")));
        assertFalse(Files.exists(temp.resolve("outside")), "nothing written through the link");

        ImageTree onFolder = new ImageTree();
        onFolder.add(file("/a/dir", 0644, 0, 0));
        HostTool.Result refused = InitReceiver.run("--update", stream(onFolder), root, temp);
        assertEquals("ERR refused entry \"/a/dir\": a folder already exists there\n", refused.stdout());
        assertTrue(Files.isDirectory(root.resolve("a/dir")));
    }
}
