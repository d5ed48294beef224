package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.BootSector;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuImgIT {
    private static final long MIB = 1024 * 1024;
    private static QemuImg img;

    @TempDir
    Path dir;

    @BeforeAll
    static void findQemuImg() throws Exception {
        img = new QemuImg(QemuTestSupport.qemu().qemuImg());
    }

    @Test
    void create_qcow2_infoReportsFormatAndVirtualSize() throws Exception {
        Path disk = dir.resolve("disk.qcow2");

        img.create(disk, DiskFormat.QCOW2, 64 * MIB);

        ImageInfo info = img.info(disk);
        assertEquals("qcow2", info.format());
        assertEquals(64 * MIB, info.virtualSize());
        assertTrue(info.actualSize() < MIB, "a new qcow2 image holds only metadata: " + info.actualSize());
        assertEquals(Optional.empty(), info.backingFile());
    }

    @Test
    void convert_rawToCompressedQcow2AndBack_keepsTheBytes() throws Exception {
        Path raw = dir.resolve("probe.raw");
        BootSector.writeDisk(BootSector.probe(), raw);
        Path qcow2 = dir.resolve("probe.qcow2");
        Path back = dir.resolve("back.raw");

        img.convert(raw, DiskFormat.RAW, qcow2, DiskFormat.QCOW2, true);
        img.convert(qcow2, DiskFormat.QCOW2, back, DiskFormat.RAW, false);

        assertEquals("qcow2", img.info(qcow2).format());
        assertEquals(MIB, img.info(qcow2).virtualSize());
        assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(back));
        Process info = new ProcessBuilder("qemu-img", "info", "--output=json", qcow2.toString()).start();
        String json = new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, info.waitFor());
        org.junit.jupiter.api.Assertions.assertTrue(json.contains("\"compression-type\": \"zstd\""), json);
    }

    @Test
    void createOverlay_namesBackingFileAndItsSize() throws Exception {
        Path base = dir.resolve("base.raw");
        BootSector.writeDisk(BootSector.probe(), base);
        Path overlay = dir.resolve("overlay.qcow2");

        img.createOverlay(base, overlay);

        ImageInfo info = img.info(overlay);
        assertEquals(new ImageInfo("qcow2", MIB, info.actualSize(), Optional.of(base.toString())), info);
        assertArrayEquals(Arrays.copyOf(BootSector.probe(), 512), Arrays.copyOf(Files.readAllBytes(base), 512));
    }

    @Test
    void resize_raw_growsVirtualSize() throws Exception {
        Path disk = dir.resolve("disk.raw");
        img.create(disk, DiskFormat.RAW, MIB);

        img.resize(disk, DiskFormat.RAW, 8 * MIB);

        assertEquals(8 * MIB, img.info(disk).virtualSize());
        assertEquals(8 * MIB, Files.size(disk));
    }

    @Test
    void info_missingFile_showsQemuImgError() {
        Path missing = dir.resolve("missing.qcow2");

        JcapException e = assertThrows(JcapException.class, () -> img.info(missing));

        assertEquals("qemu-img info failed for " + missing + " (exit code 1): qemu-img: Could not open '" + missing
                + "': Could not open '" + missing + "': No such file or directory", e.getMessage());
    }
}
