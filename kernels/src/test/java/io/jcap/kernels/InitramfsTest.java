package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.GuestPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {
    private static final String TEST_INIT = "/io/jcap/kernels/test-init";

    @TempDir
    Path temp;
    private Kernel kernel;
    private Initramfs initramfs;

    /** One archive entry as read back: mode (type and permissions) and content. */
    private record Entry(int mode, byte[] data) {
    }

    @BeforeEach
    void kernel() throws Exception {
        kernel = TestKernels.cloudStore().get("linux");
        initramfs = new Initramfs(TEST_INIT, Initramfs.BUILDER_TOOLS, ElfLibraries.ofHost());
    }

    @Test
    void runInitramfs_cloudKernel_holdsInitModulesAndLoadOrder() throws Exception {
        Map<String, Entry> entries = read(initramfs.runInitramfs(kernel));
        List<String> expected = new ArrayList<>(List.of("init", "lib", "lib/modules", "lib/modules/load-order",
                "lib/modules/modules.alias", "lib/modules/modules.dep"));
        TestKernels.CLOUD_LOAD_ORDER.forEach(m -> expected.add("lib/modules/" + m));
        expected.sort(null);
        assertEquals(expected, List.copyOf(entries.keySet()));
        assertEquals(0100755, entries.get("init").mode());
        assertArrayEquals(getClass().getResourceAsStream(TEST_INIT).readAllBytes(), entries.get("init").data());
        assertEquals(040755, entries.get("lib/modules").mode());
        assertEquals(String.join("\n", TestKernels.CLOUD_LOAD_ORDER) + "\n",
                new String(entries.get("lib/modules/load-order").data(), StandardCharsets.UTF_8));
        assertEquals(0100644, entries.get("lib/modules/virtio_net.ko").mode());
        assertArrayEquals(Files.readAllBytes(kernel.folder().resolve("modules/virtio_net.ko")),
                entries.get("lib/modules/virtio_net.ko").data());
    }

    @Test
    void runInitramfs_sameKernelTwice_givesTheSameBytes() throws Exception {
        byte[] first = initramfs.runInitramfs(kernel);
        Path written = temp.resolve("initrd.img");
        initramfs.writeRunInitramfs(kernel, written);
        assertArrayEquals(first, initramfs.runInitramfs(kernel));
        assertArrayEquals(first, Files.readAllBytes(written));
    }

    @Test
    void builderInitramfs_holdsToolsLibrariesAndLoaderAtTheirGuestPaths() throws Exception {
        byte[] bytes = initramfs.builderInitramfs(kernel);
        assertArrayEquals(bytes, initramfs.builderInitramfs(kernel), "the same kernel gives the same bytes");
        Map<String, Entry> entries = read(bytes);
        for (String name : List.of("init", "lib/modules/load-order", "lib/modules/virtio_blk.ko", "sbin/mke2fs",
                "sbin/extlinux", "lib/x86_64-linux-gnu/libext2fs.so.2", "lib/x86_64-linux-gnu/libcom_err.so.2",
                "lib/x86_64-linux-gnu/libblkid.so.1", "lib/x86_64-linux-gnu/libuuid.so.1",
                "lib/x86_64-linux-gnu/libe2p.so.2", "lib/x86_64-linux-gnu/libc.so.6", "lib64/ld-linux-x86-64.so.2")) {
            assertTrue(entries.containsKey(name), name + " in " + entries.keySet());
        }
        assertEquals(0100755, entries.get("sbin/mke2fs").mode());
        assertArrayEquals(Files.readAllBytes(Path.of("/usr/bin/extlinux")), entries.get("sbin/extlinux").data());
        assertArrayEquals(Files.readAllBytes(Path.of("/lib64/ld-linux-x86-64.so.2")),
                entries.get("lib64/ld-linux-x86-64.so.2").data());
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            assertTrue((e.getValue().mode() & 0170000) != 0120000, "no symbolic links: " + e.getKey());
        }
    }

    @Test
    void runInitramfs_withoutTheCompiledInit_saysTheModuleWasBuiltWithoutMuslGcc() {
        Initramfs noInit = new Initramfs("/io/jcap/kernels/init/no-such-init", Initramfs.BUILDER_TOOLS,
                ElfLibraries.ofHost());
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> noInit.runInitramfs(kernel));
        assertEquals("the guest init (classpath resource /io/jcap/kernels/init/no-such-init) is missing: the kernels "
                + "module was built without musl-gcc; install musl-tools and rebuild jcap", e.getMessage());
    }

    @Test
    void builderInitramfs_withoutAHostTool_namesTheDebianPackage() {
        Path missing = temp.resolve("mke2fs");
        Initramfs noTool = new Initramfs(TEST_INIT,
                List.of(new Initramfs.HostTool(GuestPath.of("/sbin/mke2fs"), List.of(missing), "e2fsprogs")),
                ElfLibraries.ofHost());
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> noTool.builderInitramfs(kernel));
        assertEquals("mke2fs is not installed on this machine (looked for " + missing + "); the builder guest needs "
                + "it: install the Debian package e2fsprogs", e.getMessage());
    }

    private static Map<String, Entry> read(byte[] archive) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (CpioArchiveInputStream cpio = new CpioArchiveInputStream(new ByteArrayInputStream(archive))) {
            for (CpioArchiveEntry e; (e = cpio.getNextEntry()) != null; ) {
                entries.put(e.getName(), new Entry((int) e.getMode(), cpio.readAllBytes()));
            }
        }
        return entries;
    }
}
