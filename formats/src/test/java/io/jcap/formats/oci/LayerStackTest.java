package io.jcap.formats.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.airlift.compress.zstd.ZstdOutputStream;
import io.jcap.formats.cpio.CpioWriter;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.testsupport.RecordedEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerStackTest {
    @TempDir
    Path content;

    private final RecordedEvents events = new RecordedEvents();

    @Test
    void apply_twoLayers_whiteoutAndOpaqueFolderRemoveOnlyLowerLayersFiles() throws Exception {
        LayerStack stack = new LayerStack(content, events);
        stack.apply(in(layer().dir("etc", 0755).file("etc/gone", "x").file("etc/kept", "k")
                .dir("var/cache", 0755).file("var/cache/old", "o").bytes()), "layer 1");
        stack.apply(in(layer().file("etc/.wh.gone", "").file("var/cache/new", "n").file("var/cache/.wh..wh..opq", "")
                .bytes()), "layer 2");
        Map<String, ImageEntry> tree = tree(stack);
        assertEquals(List.of("/", "/etc", "/etc/kept", "/var", "/var/cache", "/var/cache/new"), List.copyOf(tree.keySet()));
        assertEquals("n", text(tree.get("/var/cache/new")));
    }

    @Test
    void apply_utf8NamesAreReadAsUtf8WhateverTheLocale() throws Exception {
        LayerStack stack = new LayerStack(content, events);
        stack.apply(in(layer().file("etc/ssl/NetLock_Arany_F\u0151tan\u00fas\u00edtv\u00e1ny.crt", "c").bytes()), "layer 1");
        assertEquals(List.of("/", "/etc", "/etc/ssl", "/etc/ssl/NetLock_Arany_F\u0151tan\u00fas\u00edtv\u00e1ny.crt"),
                List.copyOf(tree(stack).keySet()));
    }

    @Test
    void apply_linksOwnersAndModes_keptAsInTheLayers() throws Exception {
        LayerStack stack = new LayerStack(content, events);
        stack.apply(in(layer().file("bin/su", "su", 04755, 0, 0).file("home/app/data", "d", 0640, 1000, 1001)
                .symlink("bin/sh", "/bin/busybox").bytes()), "layer 1");
        stack.apply(in(layer().hardlink("bin/su2", "bin/su").device("dev/null").bytes()), "layer 2");
        Map<String, ImageEntry> tree = tree(stack);
        ImageEntry.HardLink su2 = (ImageEntry.HardLink) tree.get("/bin/su2");
        assertEquals(04755, su2.mode());
        assertEquals(tree.get("/bin/su"), su2.file());
        assertEquals("su", text(su2.file()));
        assertEquals(new ImageEntry.Owner(1000, 1001), tree.get("/home/app/data").owner());
        assertEquals(0640, tree.get("/home/app/data").mode());
        assertEquals("/bin/busybox", ((ImageEntry.Symlink) tree.get("/bin/sh")).target());
        assertTrue(!tree.containsKey("/dev/null"), "device nodes are skipped");
        assertEquals(List.of("INFO layer 2: skipped device node /dev/null (a VM's devtmpfs provides devices; FIFOs and sockets"
                + " are made at run time)"), events.lines());
    }

    @Test
    void apply_hardLinksWithinAndAcrossLayers_shareTheFileOfTheirTarget() throws Exception {
        LayerStack stack = new LayerStack(content, events);
        stack.apply(in(layer().file("usr/bin/perl", "perl", 0755, 0, 0).hardlink("usr/bin/perl5.36", "usr/bin/perl")
                .bytes()), "layer 1");
        // A link to a link names the same file; across layers too.
        stack.apply(in(layer().hardlink("usr/local/bin/perl", "usr/bin/perl5.36").bytes()), "layer 2");
        Map<String, ImageEntry> tree = tree(stack);
        ImageEntry perl = tree.get("/usr/bin/perl");
        assertEquals(perl, ((ImageEntry.HardLink) tree.get("/usr/bin/perl5.36")).file());
        assertEquals(perl, ((ImageEntry.HardLink) tree.get("/usr/local/bin/perl")).file());

        // In the stream to the builder guest: one inode, three names, the bytes once.
        Map<String, String> streamed = new TreeMap<>();
        byte[] archive = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).toBytes(stack.entries());
        try (CpioArchiveInputStream cpio = new CpioArchiveInputStream(new ByteArrayInputStream(archive))) {
            for (CpioArchiveEntry e; (e = cpio.getNextCPIOEntry()) != null; ) {
                if (e.isRegularFile()) {
                    streamed.put(e.getName(), "ino " + e.getInode() + " nlink " + e.getNumberOfLinks() + " size " + e.getSize());
                }
            }
        }
        assertEquals(Map.of("/usr/bin/perl", "ino 4 nlink 3 size 4", "/usr/bin/perl5.36", "ino 4 nlink 3 size 0",
                "/usr/local/bin/perl", "ino 4 nlink 3 size 0"), streamed);
    }

    @Test
    void apply_targetWhitedOutOrReplacedLater_linkKeepsTheFileAsLinked() throws Exception {
        LayerStack stack = new LayerStack(content, events);
        stack.apply(in(layer().file("a", "old a", 0640, 7, 8).hardlink("a-link", "a").file("b", "old b")
                .hardlink("b-link", "b").bytes()), "layer 1");
        stack.apply(in(layer().file(".wh.a", "").file("b", "new b").bytes()), "layer 2");
        Map<String, ImageEntry> tree = tree(stack);
        assertEquals(List.of("/", "/a-link", "/b", "/b-link"), List.copyOf(tree.keySet()));
        ImageEntry.HardLink aLink = (ImageEntry.HardLink) tree.get("/a-link");
        assertEquals("old a", text(aLink.file()));
        assertEquals(new ImageEntry.Owner(7, 8), aLink.owner());
        assertEquals(0640, aLink.mode());
        assertEquals("old b", text(((ImageEntry.HardLink) tree.get("/b-link")).file()));
        assertEquals("new b", text(tree.get("/b")));
    }

    @Test
    void apply_gzipAndZstdLayers_giveTheUncompressedDigest() throws Exception {
        byte[] tar = layer().file("a", "1").bytes();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        ByteArrayOutputStream zst = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStream(zst)) {
            out.write(tar);
        }
        LayerStack stack = new LayerStack(content, events);
        assertEquals(Sha256.of(tar), stack.apply(in(gz.toByteArray()), "gzip layer"));
        assertEquals(Sha256.of(tar), stack.apply(in(zst.toByteArray()), "zstd layer"));
        assertEquals("1", text(tree(stack).get("/a")));
    }

    @Test
    void apply_escapingOrBadEntries_refusedNamingThem() throws Exception {
        assertEquals("layer 1 is refused: layer path '../etc/passwd' has a component '..': paths name files inside the"
                + " layer, without empty, . or .. parts", refusal(layer().file("../etc/passwd", "x").bytes()));
        assertEquals("layer 1 is refused: layer path '/etc/passwd' is empty or absolute: a layer's paths are relative to"
                + " the image's root (etc/passwd, not /etc/passwd)", refusal(layer().file("/etc/passwd", "x").bytes()));
        assertEquals("layer 1 is refused: its whiteout 'etc/.wh..' names no file inside the image (a whiteout is"
                + " .wh.NAME for a NAME in its folder)", refusal(layer().file("etc/.wh..", "").bytes()));
        assertEquals("layer 1 is refused: its entry 'etc/x/passwd' is inside /etc/x, which is a symbolic link (never"
                + " followed when layers are applied)", refusal(layer().symlink("etc/x", "/").file("etc/x/passwd", "p")
                .bytes()));
        assertEquals("layer 1 is refused: its hard link 'b' points to 'nothing', which is not in the image (a hard link"
                + " names a file of this or a lower layer)", refusal(layer().hardlink("b", "nothing").bytes()));
        assertEquals("layer 1 is refused: its hard link 'b' points to 'b', which is itself",
                refusal(layer().file("b", "x").hardlink("b", "b").bytes()));
        assertEquals("layer 1 is refused: its hard link 'b' points to 'd', which is a folder",
                refusal(layer().dir("d", 0755).hardlink("b", "d").bytes()));
        assertEquals("layer 1 is refused: its hard link 'b' points to '../etc/passwd', which is outside the layer: layer"
                + " path '../etc/passwd' has a component '..': paths name files inside the layer, without empty, . or .."
                + " parts", refusal(layer().hardlink("b", "../etc/passwd").bytes()));
        // The root can only be a folder: a link there sent what followed elsewhere in the guest.
        assertEquals("layer 1 is refused: its entry '.' is the image root, which can only be a folder, not a symbolic"
                + " link", refusal(layer().symlink(".", "/tmp").file("x", "x").bytes()));
        byte[] whole = layer().file("big", "x".repeat(5000)).bytes();
        String truncated = refusal(Arrays.copyOf(whole, 2048));
        assertTrue(truncated.startsWith("layer 1 is truncated or not a tar layer: "), truncated);
        assertFalse(truncated.endsWith(": null"), truncated);
        // Shorter than one header: the tar reader sees an empty archive; Docker's calls it a short read.
        assertEquals("layer 1 is truncated or not a tar layer: 300 bytes, not whole 512-byte tar blocks",
                refusal(Arrays.copyOf(whole, 300)));
        assertEquals("layer 1 is truncated or not a tar layer: 290 bytes, not whole 512-byte tar blocks",
                refusal("this is not a tar file at all".repeat(10).getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Sha256.of(new byte[0]), new LayerStack(content, events).apply(in(new byte[0]), "empty layer"),
                "an empty stream is an empty archive, as Docker reads it");
    }

    private String refusal(byte[] tar) {
        return assertThrows(JcapException.class, () -> new LayerStack(content, events).apply(in(tar), "layer 1"))
                .getMessage();
    }

    private static Map<String, ImageEntry> tree(LayerStack stack) {
        Map<String, ImageEntry> tree = new TreeMap<>();
        stack.entries().forEach(e -> tree.put(e.path().value(), e));
        return tree;
    }

    private static String text(ImageEntry file) throws IOException {
        try (var in = ((ImageEntry.RegularFile) file).content().open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ByteArrayInputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    static Layer layer() {
        return new Layer();
    }

    /** A layer tar as container tools write them, built entry by entry. */
    static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar;

        Layer() {
            this(StandardCharsets.UTF_8.name());
        }

        /** Names written in {@code encoding}: UTF-8, as container tools write them, or another for a broken layer. */
        Layer(String encoding) {
            tar = new TarArchiveOutputStream(bytes, encoding);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Layer dir(String name, int mode) throws IOException {
            return put(entry(name, TarArchiveEntry.LF_DIR, mode, 0, 0), null);
        }

        Layer file(String name, String text) throws IOException {
            return file(name, text, 0644, 0, 0);
        }

        Layer file(String name, String text, int mode, int uid, int gid) throws IOException {
            return put(entry(name, TarArchiveEntry.LF_NORMAL, mode, uid, gid), text.getBytes(StandardCharsets.UTF_8));
        }

        Layer symlink(String name, String target) throws IOException {
            TarArchiveEntry e = entry(name, TarArchiveEntry.LF_SYMLINK, 0777, 0, 0);
            e.setLinkName(target);
            return put(e, null);
        }

        Layer hardlink(String name, String target) throws IOException {
            TarArchiveEntry e = entry(name, TarArchiveEntry.LF_LINK, 0644, 0, 0);
            e.setLinkName(target);
            return put(e, null);
        }

        Layer device(String name) throws IOException {
            TarArchiveEntry e = entry(name, TarArchiveEntry.LF_CHR, 0666, 0, 0);
            e.setDevMajor(1);
            e.setDevMinor(3);
            return put(e, null);
        }

        byte[] bytes() throws IOException {
            tar.finish();
            return bytes.toByteArray();
        }

        private static TarArchiveEntry entry(String name, byte type, int mode, int uid, int gid) {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setMode(mode);
            e.setIds(uid, gid);
            return e;
        }

        private Layer put(TarArchiveEntry e, byte[] data) throws IOException {
            e.setSize(data == null ? 0 : data.length);
            tar.putArchiveEntry(e);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
            return this;
        }
    }
}
