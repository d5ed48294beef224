package io.jcap.kernels.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.cpio.CpioWriter;
import io.jcap.formats.cpio.StreamStats;
import io.jcap.host.HostTool;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest init's receiver (run on the host as {@code jcap-init --extract DIR}, no VM) takes files
 * sent with holes (docs/guest-protocol.md, "Files with holes"): the same bytes, the holes left
 * unallocated, and hole maps that do not fit their entry refused.
 */
class HolesReceiveTest {
    @TempDir
    Path temp;

    @Test
    void extract_sparseFilesFromTheWriter_readTheSameAndHoldOnlyTheirData() throws Exception {
        Path db = temp.resolve("db");
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.setLength(256L << 20);
            f.seek(5 << 20);
            f.write("row one".getBytes());
            f.seek((256L << 20) - 3);
            f.write("end".getBytes());
        }
        Path zeros = Files.write(temp.resolve("zeros"), new byte[3 << 20]);
        ImageTree tree = new ImageTree();
        ImageEntry.RegularFile file = new ImageEntry.RegularFile(GuestPath.of("/data/db"), 0640, FileContent.of(db));
        tree.add(file);
        tree.add(new ImageEntry.HardLink(GuestPath.of("/data/db.link"), file));
        tree.add(new ImageEntry.RegularFile(GuestPath.of("/data/zeros"), 0644, FileContent.of(zeros)));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        StreamStats sent = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).withHoles()
                .write(tree.entries(), stream, EventSink.NONE);
        Path root = Files.createDirectory(temp.resolve("root"));

        HostTool.Result r = InitReceiver.run("--extract", stream.toByteArray(), root, temp);

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(String.format("OK entries=%d bytes=%d xxh64=%016x", sent.entries(), sent.bytes(), sent.xxh64()),
                r.stdout().strip());
        assertTrue(sent.bytes() < 64 * 1024, sent.bytes() + " bytes streamed");
        assertEquals(-1, Files.mismatch(db, root.resolve("data/db")));
        assertEquals(-1, Files.mismatch(db, root.resolve("data/db.link")));
        assertEquals(-1, Files.mismatch(zeros, root.resolve("data/zeros")));
        // Two blocks of data (at most a few more for the file system's own), not 256 MiB.
        assertTrue(allocatedKiB(root.resolve("data/db")) <= 64, allocatedKiB(root.resolve("data/db")) + " KiB");
        assertTrue(allocatedKiB(root.resolve("data/zeros")) <= 16, allocatedKiB(root.resolve("data/zeros")) + " KiB");
        assertEquals("640", Integer.toOctalString((Integer) Files.getAttribute(root.resolve("data/db"), "unix:mode")
                & 0777));
    }

    @Test
    void extract_holeMapsThatDoNotFit_areRefusedNamingTheFile() throws Exception {
        assertRefused(map(100, 10, "abcd", 12, "x"), "ERR refused file \"/f\": a data segment of 1 bytes at 12, in a file"
                + " of 100 bytes whose previous segment ended at 14, with 1 bytes of the entry left\n");
        assertRefused(map(8, 6, "abcd"), "ERR refused file \"/f\": a data segment of 4 bytes at 6, in a file of 8 bytes"
                + " whose previous segment ended at 0, with 4 bytes of the entry left\n");
        assertRefused(new byte[12], "ERR refused file \"/f\": its hole map ends inside a segment's offset and length\n");
        assertRefused(new byte[5], "ERR refused file \"/f\": its hole map holds 5 bytes, fewer than its length's 8\n");
        // A segment claiming more bytes than its entry holds.
        byte[] claim = map(100, 0, "ab");
        ByteBuffer.wrap(claim).putLong(16, 50);
        assertRefused(claim, "ERR refused file \"/f\": a data segment of 50 bytes at 0, in a file of 100 bytes whose"
                + " previous segment ended at 0, with 2 bytes of the entry left\n");
    }

    private long allocatedKiB(Path file) throws Exception {
        HostTool.Result r = HostTool.run(List.of("stat", "-c", "%b %B", file.toString()), temp, Duration.ofSeconds(10));
        String[] f = r.stdout().strip().split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]) / 1024;
    }

    /** A hole map: the length, then (offset, bytes) pairs. */
    private static byte[] map(long length, Object... segments) {
        ByteBuffer out = ByteBuffer.allocate(1000);
        out.putLong(length);
        for (int i = 0; i < segments.length; i += 2) {
            byte[] data = ((String) segments[i + 1]).getBytes();
            out.putLong(((Integer) segments[i]).longValue());
            out.putLong(data.length);
            out.put(data);
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private void assertRefused(byte[] data, String reply) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW)) {
            CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, "/f");
            e.setMode(0100644);
            e.setNumberOfLinks(1);
            e.setSize(data.length);
            e.setChksum(1);
            cpio.putArchiveEntry(e);
            cpio.write(data);
            cpio.closeArchiveEntry();
        }
        Path root = Files.createTempDirectory(temp, "root");
        HostTool.Result r = InitReceiver.run("--extract", bytes.toByteArray(), root, temp);
        assertEquals(reply, r.stdout(), r.toString());
    }
}
