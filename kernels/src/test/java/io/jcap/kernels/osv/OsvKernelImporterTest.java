package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelKind;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.testsupport.OsvLoaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvKernelImporterTest {
    @TempDir
    Path dir;
    private KernelStore store;

    @BeforeEach
    void store() {
        store = new KernelStore(dir.resolve("kernels"));
    }

    @Test
    void importFile_loader_isStoredAsOsvWithItsDigestAndOrigin() throws Exception {
        byte[] loader = OsvLoaders.loader();
        Path file = Files.write(dir.resolve("osv-loader.qemu.x86_64"), loader);
        Kernel kernel = new OsvKernelImporter().importFile(file, Optional.empty(), store, EventSink.NONE);
        assertEquals("osv", kernel.name());
        assertEquals("osv", kernel.family());
        assertEquals(KernelKind.OSV_LOADER, kernel.kind());
        assertEquals("import:osv-loader.qemu.x86_64", kernel.origin());
        assertEquals(Sha256.of(loader), kernel.imageSha256());
        assertEquals(kernel, store.get("osv"));
        assertArrayEquals(loader, Files.readAllBytes(store.dir().resolve("osv/loader.img")));
    }

    @Test
    void importFile_gzipBuilderKernel_isStoredDecompressedAsOsvZfsBuilder() throws Exception {
        byte[] builder = TestKernels.builder();
        Path file = Files.write(dir.resolve("osv-zfs-builder.elf.x86_64.gz"), TestKernels.gzip(builder));
        Kernel kernel = new OsvKernelImporter().importFile(file, Optional.empty(), store, EventSink.NONE);
        assertEquals("osv-zfs-builder", kernel.name());
        assertEquals(KernelKind.OSV_ZFS_BUILDER, kernel.kind());
        assertEquals(Sha256.of(builder), kernel.imageSha256());
        assertArrayEquals(builder, Files.readAllBytes(store.dir().resolve("osv-zfs-builder/zfs-builder.elf")));
    }

    @Test
    void importFile_withName_storesUnderThatName() throws Exception {
        Path file = Files.write(dir.resolve("loader.img"), OsvLoaders.loader());
        new OsvKernelImporter().importFile(file, Optional.of("osv-openjdk"), store, EventSink.NONE);
        assertEquals(List.of("osv-openjdk"), store.names());
    }

    @Test
    void importFile_textFile_isRefusedAndNothingIsStored() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello\n".repeat(200));
        NotAnOsvKernelException e = assertThrows(NotAnOsvKernelException.class,
                () -> new OsvKernelImporter().importFile(file, Optional.empty(), store, EventSink.NONE));
        assertEquals(file + " is neither an OSv loader image nor an OSv ZFS builder kernel (it has neither an ELF"
                + " header nor the boot signature 55 AA at byte 510); bring OSv's loader.img (osv-loader.qemu) or"
                + " zfs_builder.elf (osv-zfs-builder.elf)", e.getMessage());
        assertEquals("it has neither an ELF header nor the boot signature 55 AA at byte 510", e.reason());
        assertEquals(List.of(), store.names());
    }

    @Test
    void importFile_badName_isRefused() throws Exception {
        Path file = Files.write(dir.resolve("loader.img"), OsvLoaders.loader());
        JcapException e = assertThrows(JcapException.class,
                () -> new OsvKernelImporter().importFile(file, Optional.of("cloudius/osv"), store, EventSink.NONE));
        assertEquals("'cloudius/osv' is not a kernel name (letters, digits, '.', '_', '-', at most 64, starting with a"
                + " letter or digit)", e.getMessage());
    }

    @Test
    void safeFileName_keepsPlainNamesOnly() {
        assertEquals("osv-loader.qemu", OsvKernelImporter.safeFileName(java.net.URI.create("https://h/a/osv-loader.qemu")));
        assertEquals("download", OsvKernelImporter.safeFileName(java.net.URI.create("https://h/a/")));
        assertEquals("download", OsvKernelImporter.safeFileName(java.net.URI.create("https://h/%2E%2E")));
        assertEquals("download", OsvKernelImporter.safeFileName(java.net.URI.create("https://h")));
    }
}
