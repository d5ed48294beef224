package io.jcap.kernels.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jcap.formats.cpio.CpioWriter;
import io.jcap.formats.cpio.StreamStats;
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
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest init's cpio receiver (run on the host as {@code jcap-init --extract DIR}, no VM) takes
 * the hard links jcap's writer sends: one inode, the bytes with the first name, the further names
 * made with link(2); streams that put the bytes elsewhere or name a replaced file are refused.
 */
class HardLinkReceiveTest {
    @TempDir
    Path temp;

    @Test
    void extract_hardLinksFromTheWriter_areOneInodeWithTheBytesOnce() throws Exception {
        ImageEntry.RegularFile perl = new ImageEntry.RegularFile(GuestPath.of("/usr/bin/perl"), 0755,
                FileContent.of("#!perl\n".getBytes(StandardCharsets.UTF_8)));
        ImageTree tree = new ImageTree();
        tree.add(perl);
        tree.add(new ImageEntry.HardLink(GuestPath.of("/usr/bin/perl5.36.0"), perl));
        tree.add(new ImageEntry.HardLink(GuestPath.of("/opt/perl"), perl));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(tree.entries(), stream, EventSink.NONE);

        Path root = Files.createDirectory(temp.resolve("root"));
        HostTool.Result r = extract(stream.toByteArray(), root);

        assertEquals(0, r.exitCode(), r.toString());
        Object inode = Files.getAttribute(root.resolve("usr/bin/perl"), "unix:ino", LinkOption.NOFOLLOW_LINKS);
        for (String name : List.of("usr/bin/perl", "usr/bin/perl5.36.0", "opt/perl")) {
            Path p = root.resolve(name);
            assertEquals(inode, Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS), name);
            assertEquals(3, Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS), name);
            assertEquals("#!perl\n", Files.readString(p), name);
        }
    }

    @Test
    void extract_summary_namesTheWritersEntriesBytesAndXxh64() throws Exception {
        ImageTree tree = new ImageTree();
        for (int size : new int[] {0, 1, 31, 32, 33, 70_001}) {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) (i * 31 + size);
            }
            tree.add(new ImageEntry.RegularFile(GuestPath.of("/data/f" + size), 0644, FileContent.of(bytes)));
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        StreamStats sent = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(tree.entries(), stream, EventSink.NONE);

        HostTool.Result r = extract(stream.toByteArray(), Files.createDirectory(temp.resolve("root")));

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(String.format("OK entries=%d bytes=%d xxh64=%016x", sent.entries(), sent.bytes(), sent.xxh64()),
                r.stdout().strip());
    }

    @Test
    void extract_bytesOnALaterName_refusedNamingIt() throws Exception {
        // GNU cpio's habit: the bytes with the last name. jcap's receiver takes them with the first only.
        byte[] stream = archive(new Name("/a", 7, 2, ""), new Name("/b", 7, 2, "data"));
        HostTool.Result r = extract(stream, Files.createDirectory(temp.resolve("root")));
        assertEquals("ERR refused hard link \"/b\": inode 7 came first as \"/a\", which carries its data; a further"
                + " name carries none (this one has 4 bytes)\n", r.stdout());
    }

    @Test
    void extract_linkToAFirstNameReplacedBySymbolicLink_refusedAndNothingLinkedOutside() throws Exception {
        Path outside = Files.writeString(temp.resolve("secret"), "outside\n");
        // "/./a" is /a again (the receiver normalises names; the writer here refuses a name twice).
        byte[] stream = archive(new Name("/a", 7, 2, "x"), new Name("/./a", 0120777, 9, 1, "../secret"),
                new Name("/b", 7, 2, ""));
        Path root = Files.createDirectory(temp.resolve("root"));
        HostTool.Result r = extract(stream, root);
        assertEquals("ERR refused hard link \"/b\": inode 7's first name \"/a\" no longer holds the file received"
                + " there (it was replaced or removed)\n", r.stdout());
        assertEquals(1, Files.getAttribute(outside, "unix:nlink"));
        assertFalse(Files.exists(root.resolve("b"), LinkOption.NOFOLLOW_LINKS));
    }

    /** One name of a regular file (or, with a mode, another entry) for a hand-made stream. */
    private record Name(String path, int mode, long inode, long links, String data) {
        Name(String path, long inode, long links, String data) {
            this(path, 0100644, inode, links, data);
        }
    }

    private static byte[] archive(Name... names) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW)) {
            for (Name n : names) {
                byte[] data = n.data().getBytes(StandardCharsets.UTF_8);
                CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, n.path());
                e.setMode(n.mode());
                e.setInode(n.inode());
                e.setNumberOfLinks(n.links());
                e.setSize(data.length);
                cpio.putArchiveEntry(e);
                cpio.write(data);
                cpio.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private HostTool.Result extract(byte[] stream, Path root) throws Exception {
        return InitReceiver.run("--extract", stream, root, temp);
    }
}
