package io.jcap.kernels.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelKind;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.ForeignDisks;
import io.jcap.testsupport.OsvLoaders;
import io.jcap.testsupport.Requires;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelImportTest {
    @TempDir
    Path dir;

    private KernelStore store() {
        return new KernelStore(dir.resolve("kernels"));
    }

    @Test
    void importFile_osvLoader_isStoredAsOsv() throws Exception {
        Path file = Files.write(dir.resolve("osv-loader.qemu"), OsvLoaders.loader());
        Kernel kernel = KernelImport.importFile(file, Optional.empty(), store(), EventSink.NONE);
        assertEquals("osv", kernel.name());
        assertEquals(KernelKind.OSV_LOADER, kernel.kind());
        assertEquals("import:osv-loader.qemu", kernel.origin());
    }

    @Test
    void importFile_textFile_isRefusedSayingWhatEachFamilyLookedFor() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "notes\n".repeat(100));
        JcapException e = assertThrows(JcapException.class,
                () -> KernelImport.importFile(file, Optional.empty(), store(), EventSink.NONE));
        assertEquals(file + " is not a kernel jcap can import: it is not a Debian kernel package or a Linux bzImage,"
                + " and it is neither an OSv loader image nor an OSv ZFS builder kernel (it has neither an ELF header"
                + " nor the boot signature 55 AA at byte 510); import a linux-image .deb, a bzImage (vmlinuz), OSv's"
                + " loader.img (osv-loader.qemu) or zfs_builder.elf (osv-zfs-builder.elf)", e.getMessage());
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals(List.of(), store().names());
    }

    @Test
    void importFile_completeOsvDisk_isRefused() throws Exception {
        byte[] disk = OsvLoaders.loader();
        disk[0x1CE + 4] = (byte) 0x83;
        Path file = Files.write(dir.resolve("app.img"), disk);
        JcapException e = assertThrows(JcapException.class,
                () -> KernelImport.importFile(file, Optional.empty(), store(), EventSink.NONE));
        assertEquals(file + " is not a kernel jcap can import: it is not a Debian kernel package or a Linux bzImage,"
                + " and it is neither an OSv loader image nor an OSv ZFS builder kernel (its partition table is in use"
                + " (entry 2), so it is a complete OSv disk image, not a bare loader); import a linux-image .deb, a"
                + " bzImage (vmlinuz), OSv's loader.img (osv-loader.qemu) or zfs_builder.elf (osv-zfs-builder.elf)",
                e.getMessage());
    }

    @Test
    @Requires(Component.QEMU)
    void importFile_qcow2WithABackingFile_isRefusedNamingWhatItPointsAt() throws Exception {
        Path file = ForeignDisks.withBackingFile(dir);
        JcapException e = assertThrows(JcapException.class,
                () -> KernelImport.importFile(file, Optional.of("k"), store(), EventSink.NONE));
        assertEquals("kernel file " + file + " is a qcow2 image with a backing file, '" + dir.resolve("base.qcow2")
                + "': jcap takes only self-contained disks, since QEMU would open that file on this host; convert it"
                + " first (qemu-img convert -O qcow2 " + file + " self-contained.qcow2)", e.getMessage());
        assertEquals(List.of(), store().names());
    }

    @Test
    @Requires(Component.QEMU)
    void importFile_gzippedQcow2WithAnExternalDataFile_isRefusedOnceDecompressed() throws Exception {
        Path qcow2 = ForeignDisks.withExternalDataFile(dir);
        Path file = dir.resolve("osv-loader.qemu.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            Files.copy(qcow2, out);
        }
        byte[] data = Files.readAllBytes(dir.resolve("ext.raw"));
        JcapException e = assertThrows(JcapException.class,
                () -> KernelImport.importFile(file, Optional.empty(), store(), EventSink.NONE));
        assertEquals("kernel file " + file + " is a qcow2 image with an external data file, 'ext.raw': jcap takes"
                + " only self-contained disks, since QEMU would open that file on this host; convert it first"
                + " (qemu-img convert -O qcow2 " + file + " self-contained.qcow2)", e.getMessage());
        assertEquals(List.of(), store().names());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("ext.raw")));
    }

    @Test
    void importFile_linuxKernelWithoutName_isAUsageError() throws Exception {
        ByteBuffer bz = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        bz.putInt(0x202, 0x53726448);
        Path file = Files.write(dir.resolve("bzImage"), bz.array());
        JcapException e = assertThrows(JcapException.class,
                () -> KernelImport.importFile(file, Optional.empty(), store(), EventSink.NONE));
        assertEquals(file + " is a Linux kernel: give the name to store it under with --name NAME", e.getMessage());
        assertEquals(ExitCode.USAGE, e.exitCode());
    }

    @Test
    void importFile_missingFile_saysSo() {
        Path file = dir.resolve("nothing");
        JcapException e = assertThrows(JcapException.class,
                () -> KernelImport.importFile(file, Optional.empty(), store(), EventSink.NONE));
        assertEquals("kernel file " + file + " does not exist or is not a regular file", e.getMessage());
    }
}
