package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.host.DigestCache;
import io.jcap.host.FileTrees;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTreeTest {
    @TempDir
    Path temp;

    @Test
    void folder_namedThroughALink_isReadAsTheFolder_andTheLinksInsideStayLinks() throws Exception {
        Path real = Files.createDirectories(temp.resolve("real/etc"));
        Files.writeString(real.resolve("app.conf"), "x");
        Files.createSymbolicLink(real.resolve("link"), Path.of("app.conf"));
        Path named = Files.createSymbolicLink(temp.resolve("rootfs"), temp.resolve("real"));

        List<String> entries = HostTree.folder(named, GuestPath.ROOT).stream()
                .map(e -> e.getClass().getSimpleName() + " " + e.path()).sorted().toList();

        assertEquals(List.of("Directory /etc", "RegularFile /etc/app.conf", "Symlink /etc/link"), entries);
    }

    /** A chain of folders as deep as a path may be under PATH_MAX, read whole into a tree. */
    @Test
    void folder_aChainOf1000Folders_isReadWhole_intoATreeWithEveryFolder() throws Exception {
        String chain = "d/".repeat(1000);
        Path bottom = Files.createDirectories(temp.resolve("rootfs").resolve(chain));
        Files.writeString(bottom.resolve("f"), "x");

        try {
            List<ImageEntry> entries = HostTree.folder(temp.resolve("rootfs"), GuestPath.of("/app"));
            ImageTree tree = new ImageTree();
            entries.forEach(tree::add);

            assertEquals(1002, entries.size(), "/app, the chain's 1000 folders and its file");
            assertEquals("/app/" + chain + "f", entries.get(entries.size() - 1).path().value());
            assertEquals(1003, tree.entries().size(), "the root too");
        } finally {
            // JUnit's own clean-up of the temporary folder takes the real path of every folder in it,
            // which costs depth^2 here (15 s).
            FileTrees.delete(temp.resolve("rootfs"));
        }
    }

    @Test
    void file_thatIsADeviceOrAFifo_isRefused() throws Exception {
        Path fifo = temp.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        JcapException device = assertThrows(JcapException.class,
                () -> HostTree.file(Path.of("/dev/zero"), GuestPath.of("/app/zero")));
        JcapException pipe = assertThrows(JcapException.class, () -> HostTree.file(fifo, GuestPath.of("/app/fifo")));

        assertEquals("files: /app/zero names /dev/zero, which is not a regular file: jcap copies files, not devices,"
                + " FIFOs or sockets", device.getMessage());
        assertEquals("files: /app/fifo names " + fifo + ", which is not a regular file: jcap copies files, not devices,"
                + " FIFOs or sockets", pipe.getMessage());
        ImageEntry file = HostTree.file(Files.writeString(temp.resolve("plain"), "p"), GuestPath.of("/app/plain"));
        assertEquals(GuestPath.of("/app/plain"), file.path());
    }

    private static void sh(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).inheritIO().start();
        assertEquals(0, p.waitFor(), script);
    }

    private static List<String> described(List<ImageEntry> entries) {
        return entries.stream().map(e -> e.getClass().getSimpleName() + " " + e.path() + " " + Integer.toOctalString(e.mode())
                + (e instanceof ImageEntry.HardLink h ? " -> " + h.file().path() : "")).sorted().toList();
    }

    /** A file data/x\y replaced data/x/y, and a file named \ turned its folder into a file. */
    @Test
    void folder_keepsABackslashInAName() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root/data/x"));
        Files.writeString(root.resolve("y"), "slash");
        Files.writeString(root.resolveSibling("x\\y"), "backslash");
        Files.writeString(Files.createDirectories(temp.resolve("root/d")).resolve("\\"), "alone");
        sh(temp, "chmod 644 root/data/x/y 'root/data/x\\y' 'root/d/\\' && chmod 755 root/data root/data/x root/d");

        assertEquals(List.of("Directory /d 755", "Directory /data 755", "Directory /data/x 755",
                "RegularFile /d/\\ 644", "RegularFile /data/x/y 644", "RegularFile /data/x\\y 644"),
                described(HostTree.folder(temp.resolve("root"), GuestPath.ROOT)));
    }

    /** A Linux name may hold a newline; a guest path may not (the guest protocol's lines). */
    @Test
    void folder_refusesANameHoldingANewline_namingItsGuestPath() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root/data"));
        Files.writeString(root.resolve("a\nb"), "x");

        JcapException e = assertThrows(JcapException.class, () -> HostTree.folder(temp.resolve("root"), GuestPath.of("/opt")));

        assertEquals("could not read rootfs folder " + temp.resolve("root") + ": guest path '/opt/data/a\\nb' may not"
                + " have a name that is empty, \".\" or \"..\", or that holds a slash, NUL or newline", e.getMessage());
    }

    /** x\xff and x\xfe both read as x\uFFFD: one replaced the other in the image. */
    @Test
    void folder_refusesANameThatIsNotUtf8_andALinkTargetThatIsNot() throws Exception {
        // Under a locale that is not UTF-8 the reason names the locale (HostNamesTest checks both wordings).
        String why = System.getProperty("sun.jnu.encoding").equals("UTF-8") ? " is not valid UTF-8: names must be UTF-8"
                + " (the guest's names are); rename it" : " does not read as UTF-8 here: this JVM decodes names as "
                + java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding")).name() + " (sun.jnu.encoding,"
                + " from the locale); names must be UTF-8 and the locale a UTF-8 one (e.g. LANG=C.UTF-8)";
        Path root = Files.createDirectories(temp.resolve("root/data"));
        sh(root, "touch \"$(printf 'x\\377')\" \"$(printf 'x\\376')\"");

        JcapException name = assertThrows(JcapException.class, () -> HostTree.folder(temp.resolve("root"), GuestPath.ROOT));

        assertEquals("could not read rootfs folder " + temp.resolve("root") + ": " + root + "/x\uFFFD"
                + ": its name" + why, name.getMessage());

        Path other = Files.createDirectories(temp.resolve("other"));
        sh(other, "ln -s \"$(printf 'x\\377')\" link");
        JcapException target = assertThrows(JcapException.class, () -> HostTree.folder(other, GuestPath.ROOT));
        assertEquals("could not read rootfs folder " + other + ": " + other.resolve("link") + ": its link target x\uFFFD"
                + why, target.getMessage());
    }

    @Test
    void folderAndFile_keepSetUserIdSetGroupIdAndStickyBits() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root/tmp"));
        Files.writeString(root.resolveSibling("su"), "su");
        Files.writeString(root.resolveSibling("sg"), "sg");
        sh(temp, "chmod 1777 root/tmp && chmod 4755 root/su && chmod 2711 root/sg");

        assertEquals(List.of("Directory /tmp 1777", "RegularFile /sg 2711", "RegularFile /su 4755"),
                described(HostTree.folder(temp.resolve("root"), GuestPath.ROOT)));
        assertEquals(04755, HostTree.file(temp.resolve("root/su"), GuestPath.of("/bin/su")).mode());
    }

    /** A file of three names became three copies, three times its bytes in the image. */
    @Test
    void folder_makesTheNamesOfOneHostFileHardLinks_toTheFirstInGuestPathOrder() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root/sub"));
        Path file = Files.writeString(root.resolve("z"), "one file");
        Files.createLink(root.resolveSibling("b"), file);
        Files.createLink(root.resolveSibling("c"), file);
        Files.writeString(root.resolveSibling("alone"), "other");
        sh(temp, "chmod 640 root/b root/alone && chmod 755 root/sub");

        List<ImageEntry> entries = HostTree.folder(temp.resolve("root"), GuestPath.ROOT);

        assertEquals(List.of("Directory /sub 755", "HardLink /c 640 -> /b", "HardLink /sub/z 640 -> /b",
                "RegularFile /alone 640", "RegularFile /b 640"), described(entries));
        ImageTree tree = new ImageTree();
        entries.forEach(tree::add);
        assertEquals("one file".length() + "other".length(), tree.contentBytes(), "the bytes once");
        TreeDigests digests = TreeDigests.of(tree, 0, DigestCache.none());
        assertEquals(digests.files().get(GuestPath.of("/b")), digests.files().get(GuestPath.of("/sub/z")));
        assertEquals(digests.files().get(GuestPath.of("/b")), digests.files().get(GuestPath.of("/c")));
    }

    /**
     * Reading takes files of any size: newc's 32-bit sizes limit the streamed builds only (they check
     * before a guest boots), not OSv's ROFS, which is written on the host.
     */
    @Test
    void folderAndFile_takeAFileOver4GiB() throws Exception {
        Path root = Files.createDirectories(temp.resolve("root/data"));
        try (RandomAccessFile sparse = new RandomAccessFile(root.resolve("big").toFile(), "rw")) {
            sparse.setLength(5L << 30);
        }

        List<ImageEntry> inFolder = HostTree.folder(temp.resolve("root"), GuestPath.ROOT);
        ImageEntry named = HostTree.file(root.resolve("big"), GuestPath.of("/big"));

        assertEquals(5L << 30, inFolder.stream().filter(e -> e.path().equals(GuestPath.of("/data/big")))
                .map(e -> ((ImageEntry.RegularFile) e).content().size()).findFirst().orElseThrow());
        assertEquals(5L << 30, ((ImageEntry.RegularFile) named).content().size());
    }

    @Test
    void folderAndDigests_sayWhyAFileCouldNotBeRead() throws Exception {
        Path missing = temp.resolve("ROOTFS");
        JcapException folder = assertThrows(JcapException.class, () -> HostTree.folder(missing, GuestPath.ROOT));
        assertEquals("could not read rootfs folder " + missing + ": " + missing + ": no such file or directory",
                folder.getMessage());

        Path secret = Files.writeString(temp.resolve("secret"), "s");
        ImageTree tree = new ImageTree().add(HostTree.file(secret, GuestPath.of("/data/secret")));
        Files.delete(secret);
        JcapException digest = assertThrows(JcapException.class, () -> TreeDigests.of(tree, 0, DigestCache.none()));
        assertEquals("could not read the file for /data/secret (" + secret + "): no such file or directory",
                digest.getMessage());
    }
}
