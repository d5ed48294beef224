package io.jcap.formats.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerTarTest {
    @TempDir
    Path dir;

    @Test
    void write_diskLayer_hasTheFolderThenTheFileOwnedBy107WithMtimeZero() throws IOException {
        Path qcow2 = Files.writeString(dir.resolve("image.qcow2"), "QFI\u00fb disk bytes");
        byte[] tar = layer(List.of(new LayerEntry("disk/image.qcow2", qcow2, 107, 107, 0644)));

        List<String> seen = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextTarEntry()) != null) {
                seen.add(e.getName() + " " + e.getLongUserId() + ":" + e.getLongGroupId() + " "
                        + Integer.toOctalString(e.getMode() & 07777) + " " + e.getModTime().getTime() + " "
                        + e.getSize() + " '" + e.getUserName() + "'");
            }
        }
        assertEquals(List.of("disk/ 107:107 755 0 0 ''", "disk/image.qcow2 107:107 644 0 16 ''"), seen);
    }

    @Test
    void write_sameFilesInAnotherOrder_sameBytes() throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "kernel");
        Path b = Files.writeString(dir.resolve("b"), "initrd");
        LayerEntry ea = new LayerEntry("boot/vmlinuz", a, 0, 0, 0644);
        LayerEntry eb = new LayerEntry("boot/initrd.img", b, 0, 0, 0644);
        assertArrayEquals(layer(List.of(ea, eb)), layer(List.of(eb, ea)));
    }

    @Test
    void unpack_writtenLayer_givesTheSameFilesBack() throws Exception {
        Path qcow2 = Files.writeString(dir.resolve("image.qcow2"), "disk");
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "kernel");
        byte[] tar = layer(List.of(new LayerEntry("disk/image.qcow2", qcow2, 107, 107, 0644),
                new LayerEntry("boot/vmlinuz", kernel, 0, 0, 0644)));
        Path out = Files.createDirectory(dir.resolve("out"));

        List<LayerReader.Unpacked> files = LayerReader.unpack(new ByteArrayInputStream(tar), out, "layer x");

        assertEquals(List.of("boot/vmlinuz", "disk/image.qcow2"), files.stream().map(LayerReader.Unpacked::path).toList());
        assertEquals(107, files.get(1).uid());
        assertEquals("disk", Files.readString(out.resolve("disk/image.qcow2")));
        assertEquals("kernel", Files.readString(out.resolve("boot/vmlinuz")));
    }

    @Test
    void unpack_pathLeavingTheFolder_isRefusedNamingIt() throws IOException {
        byte[] tar = handMade("../escape", TarArchiveEntry.LF_NORMAL, null);
        JcapException e = assertThrows(JcapException.class,
                () -> LayerReader.unpack(new ByteArrayInputStream(tar), dir, "layer sha256:ab"));
        assertEquals("layer sha256:ab is refused: layer path '../escape' has a component '..': paths name files"
                + " inside the layer, without empty, . or .. parts", e.getMessage());
        assertEquals(List.of(), List.of(dir.getParent().toFile().list((d, n) -> n.equals("escape"))));
    }

    @Test
    void unpack_symbolicLink_isRefusedNamingItsTarget() throws IOException {
        byte[] tar = handMade("disk/image.qcow2", TarArchiveEntry.LF_SYMLINK, "/etc/shadow");
        JcapException e = assertThrows(JcapException.class,
                () -> LayerReader.unpack(new ByteArrayInputStream(tar), dir, "layer sha256:ab"));
        assertEquals("layer sha256:ab is refused: its entry 'disk/image.qcow2' is a symbolic link to /etc/shadow;"
                + " jcap takes only plain files and folders from a registry", e.getMessage());
    }

    @Test
    void unpack_whiteout_isRefused() throws IOException {
        byte[] tar = handMade("disk/.wh.image.qcow2", TarArchiveEntry.LF_NORMAL, null);
        JcapException e = assertThrows(JcapException.class,
                () -> LayerReader.unpack(new ByteArrayInputStream(tar), dir, "layer L"));
        assertEquals("layer L is refused: it has a whiteout entry 'disk/.wh.image.qcow2' (jcap images are single"
                + " layers of plain files, never changes to another layer)", e.getMessage());
    }

    @Test
    void entry_absolutePath_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerEntry("/disk/x", dir, 0, 0, 0644));
        assertEquals("layer path '/disk/x' is empty or absolute: a layer's paths are relative to the image's root"
                + " (etc/passwd, not /etc/passwd)", e.getMessage());
    }

    private static byte[] layer(List<LayerEntry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerTar.write(entries, out);
        return out.toByteArray();
    }

    private static byte[] handMade(String name, byte type, String link) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            byte[] content = link == null ? "x".getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (link != null) {
                e.setLinkName(link);
            }
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
