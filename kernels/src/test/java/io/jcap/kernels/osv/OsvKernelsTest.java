package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.JcapException;
import io.jcap.testsupport.OsvLoaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvKernelsTest {
    private static final String ADVICE = "; bring OSv's loader.img (osv-loader.qemu) or zfs_builder.elf (osv-zfs-builder.elf)";

    @TempDir
    Path dir;

    @Test
    void recognise_loaderImage_byContentNotName() throws Exception {
        Path file = write("kernel.bin", OsvLoaders.loader());
        assertEquals(OsvKernelKind.LOADER_IMAGE, OsvKernels.recognise(file));
        assertEquals(new OsvKernelFile(OsvKernelKind.LOADER_IMAGE, false, 307200), OsvKernels.inspect(file));
    }

    @Test
    void recognise_gzipCompressedLoader_isDecompressedTransparently() throws Exception {
        Path file = write("loader.img", TestKernels.gzip(OsvLoaders.loader()));
        assertEquals(new OsvKernelFile(OsvKernelKind.LOADER_IMAGE, true, 307200), OsvKernels.inspect(file));
    }

    @Test
    void recognise_loaderPaddedPastItsKernel_isAccepted() throws Exception {
        // Releases may pad the image (6 MiB osv-loader.qemu files exist); the field only sets a minimum.
        assertEquals(OsvKernelKind.LOADER_IMAGE, OsvKernels.recognise(write("padded.img", OsvLoaders.loader(6 << 20, 8))));
    }

    @Test
    void recognise_kernelSizeFieldAtItsBoundary() throws Exception {
        // 8 units promise more than 7 x 32 KiB after byte 65536.
        assertEquals(OsvKernelKind.LOADER_IMAGE,
                OsvKernels.recognise(write("a.img", OsvLoaders.loader(65536 + 7 * 32768 + 1, 8))));
        Path tooShort = write("b.img", OsvLoaders.loader(65536 + 7 * 32768, 8));
        assertRefused(tooShort, "its kernel-size field at byte 0x10 announces 8 x 32 KiB of kernel but only"
                + " 229376 bytes follow byte 65536");
    }

    @Test
    void recognise_unsetKernelSizeField_isRefused() throws Exception {
        // boot16.S's default before imgedit.py setsize: 4096 units (128 MiB).
        assertRefused(write("a.img", OsvLoaders.loader(OsvLoaders.SIZE, 4096)),
                "its kernel-size field at byte 0x10 announces 4096 x 32 KiB of kernel but only 241664 bytes"
                        + " follow byte 65536");
        assertRefused(write("b.img", OsvLoaders.loader(OsvLoaders.SIZE, 0)),
                "its kernel-size field at byte 0x10 is 0");
    }

    @Test
    void recognise_completeDiskImage_isRefused() throws Exception {
        Path disk = dir.resolve("usr.img");
        OsvDisk.create(OsvLoaders.loader(), disk, 4L << 20);
        assertRefused(disk, "its partition table is in use (entry 2), so it is a complete OSv disk image, not a bare loader");
    }

    @Test
    void recognise_bootSectorWithoutKernel_isRefused() throws Exception {
        assertRefused(write("mbr.bin", OsvLoaders.loader(512, 1)),
                "it has a boot sector but is only 512 bytes, too short to hold OSv's compressed kernel at byte 65536");
        byte[] noElf = OsvLoaders.loader();
        noElf[65536] = 0;
        assertRefused(write("noelf.img", noElf), "it has a boot sector but no compressed kernel (ELF header) at byte 65536");
    }

    @Test
    void recognise_zfsBuilderKernel_andItsGzipForm() throws Exception {
        byte[] builder = TestKernels.builder();
        assertEquals(OsvKernelKind.ZFS_BUILDER, OsvKernels.recognise(write("zfs_builder.elf", builder)));
        assertEquals(new OsvKernelFile(OsvKernelKind.ZFS_BUILDER, true, builder.length),
                OsvKernels.inspect(write("osv-zfs-builder.elf.x86_64.gz", TestKernels.gzip(builder))));
    }

    @Test
    void recognise_elfThatIsNotOsv_isRefused() throws Exception {
        Path file = write("vmlinux", TestKernels.elf(2, 0x3E, List.of(".text", ".data"), "/tools/mkfs.so /tools/cpiod.so"));
        assertRefused(file, "it is an x86-64 ELF file without OSv's kernel sections .tracepoint_patch_sites and"
                + " .percpu_workers");
    }

    @Test
    void recognise_plainOsvKernelWithoutZfsTools_isRefused() throws Exception {
        Path file = write("loader.elf", TestKernels.elf(2, 0x3E, List.of(".text", ".tracepoint_patch_sites"), "bootfs"));
        assertRefused(file, "it is an OSv kernel ELF without the ZFS tools /tools/mkfs.so and /tools/cpiod.so"
                + " a builder kernel carries (OSv's plain kernel, loader-stripped.elf: jcap takes that one out of"
                + " loader.img itself, so import loader.img)");
    }

    @Test
    void recognise_elfForOtherMachinesOrClasses_isRefused() throws Exception {
        assertRefused(write("arm.elf", TestKernels.elf(2, 0xB7, List.of(".percpu_workers"), "")),
                "it is an ELF file for machine 0xB7, not x86-64 (0x3E)");
        assertRefused(write("lzloader.elf", TestKernels.elf(1, 0x03, List.of(".text"), "")),
                "it is a 32-bit ELF file; OSv kernels are 64-bit x86-64");
        byte[] noSections = TestKernels.builder();
        java.nio.ByteBuffer.wrap(noSections).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0x28, 0);
        assertRefused(write("nosections.elf", noSections), "it is an x86-64 ELF file without a readable section table,"
                + " so OSv's kernel sections cannot be found");
    }

    @Test
    void recognise_randomFile_isRefused() throws Exception {
        byte[] random = new byte[100_000];
        new Random(7).nextBytes(random);
        random[0] = 'x';
        random[510] = 0;
        assertRefused(write("random.bin", random), "it has neither an ELF header nor the boot signature 55 AA at byte 510");
        assertRefused(write("short.bin", "hello".getBytes()), "it is only 5 bytes, too short for a boot sector, and not an ELF file");
    }

    @Test
    void recognise_emptyFile_isRefused() throws Exception {
        assertRefused(write("empty", new byte[0]), "the file is empty");
    }

    @Test
    void recognise_gzipOfSomethingElse_saysItWasDecompressed() throws Exception {
        assertRefused(write("notes.gz", TestKernels.gzip("just text".getBytes())),
                "once decompressed, it is only 9 bytes, too short for a boot sector, and not an ELF file");
        assertRefused(write("twice.gz", TestKernels.gzip(TestKernels.gzip(OsvLoaders.loader()))),
                "it is gzip-compressed twice");
    }

    @Test
    void recognise_brokenGzip_isRefused() throws Exception {
        byte[] gz = TestKernels.gzip(OsvLoaders.loader());
        Path file = write("broken.gz", java.util.Arrays.copyOf(gz, gz.length / 2));
        JcapException e = assertThrows(JcapException.class, () -> OsvKernels.recognise(file));
        assertTrue(e.getMessage().startsWith(file + " is neither an OSv loader image nor an OSv ZFS builder kernel"
                + " (it starts like a gzip file but does not decompress: "), e.getMessage());
    }

    @Test
    void recognise_missingFile_saysWhatToGive() {
        Path missing = dir.resolve("nope");
        JcapException e = assertThrows(JcapException.class, () -> OsvKernels.recognise(missing));
        assertEquals(missing + " is not a file: give the path of an OSv loader image or ZFS builder kernel", e.getMessage());
    }

    @Test
    void copyUncompressed_storesTheRawKernel() throws Exception {
        byte[] loader = OsvLoaders.loader();
        Path target = dir.resolve("stored");
        OsvKernels.copyUncompressed(write("loader.gz", TestKernels.gzip(loader)), target);
        assertArrayEquals(loader, Files.readAllBytes(target));
        OsvKernels.copyUncompressed(write("loader.img", loader), target);
        assertArrayEquals(loader, Files.readAllBytes(target));
    }

    private void assertRefused(Path file, String reason) {
        JcapException e = assertThrows(JcapException.class, () -> OsvKernels.recognise(file));
        assertEquals(file + " is neither an OSv loader image nor an OSv ZFS builder kernel (" + reason + ")" + ADVICE,
                e.getMessage());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
