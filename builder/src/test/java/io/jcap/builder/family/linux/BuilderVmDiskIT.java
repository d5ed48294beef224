package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.TestMachine;
import io.jcap.builder.compose.GuestConfig;
import io.jcap.builder.compose.ImageComposer;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.VmException;
import io.jcap.kernels.DiskLayout;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.streamer.GuestStreamer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder guest's disk at its limits, with the real guest: a disk too small for the files it
 * is sent, and more files than mke2fs makes inodes for by default.
 */
class BuilderVmDiskIT {
    @TempDir
    Path temp;

    @Test
    void fill_diskTooSmallForTheFiles_failsWithTheGuestsErrorAndSaysToRaiseSize() throws Exception {
        Kernel kernel = TestMachine.linuxKernel();
        // 24 MiB of incompressible data (a fixed pseudo-random pattern) for a 32 MiB disk that
        // also holds the kernel and its initramfs.
        byte[] data = new byte[24 << 20];
        new java.util.Random(7).nextBytes(data);
        ImageTree tree = tree(kernel, List.of(new ImageEntry.RegularFile(GuestPath.of("/data/big"), 0644,
                FileContent.of(data))));

        VmException e = assertThrows(VmException.class, () -> new BuilderVm(TestMachine.qemu(), EventSink.NONE)
                .fill(temp.resolve("disk.raw"), 32L << 20, kernel, "ext4", LinuxBoot.rootUuid("test"),
                        tree.entries(), Accelerator.TCG, temp));

        assertTrue(e.getMessage().startsWith("the builder guest failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device; the image's disk (32 MiB) is too small for these files: raise `size` in"
                + " the Capstanfile, or leave it out to let jcap size the disk"), e.getMessage());
    }

    @Test
    void fill_moreFilesThanDefaultInodes_getsTheInodesItNeeds() throws Exception {
        Kernel kernel = TestMachine.linuxKernel();
        // A 64 MiB disk gets 16 384 inodes from mke2fs by default; these are 20 000 files.
        List<ImageEntry> files = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            files.add(new ImageEntry.RegularFile(GuestPath.of("/data/d" + (i / 1000) + "/f" + i), 0644,
                    FileContent.of(new byte[0])));
        }
        ImageTree tree = tree(kernel, files);
        assertTrue(LinuxBoot.inodesFor(64L << 20, tree.entries().size()) > 16_384, "jcap.inodes is set");

        GuestStreamer.StreamResult result = new BuilderVm(TestMachine.qemu(), EventSink.NONE)
                .fill(temp.resolve("disk.raw"), 64L << 20, kernel, "ext4", LinuxBoot.rootUuid("test"),
                        tree.entries(), Accelerator.TCG, temp);

        assertEquals(tree.entries().size(), result.confirmed().entries());
        assertCleanRoot(temp.resolve("disk.raw"));
    }

    /**
     * The guest leaves its file system clean (remounted read-only, never unmounted): e2fsck finds
     * nothing, and no journal waits for recovery, which a read-only root could not replay.
     */
    static void assertCleanRoot(Path disk) throws Exception {
        Path root = disk.resolveSibling("root.ext4");
        try (FileChannel in = FileChannel.open(disk); FileChannel out = FileChannel.open(root,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size() - DiskLayout.ROOT_OFFSET - (1L << 20);
            for (long done = 0; done < size; ) {
                done += in.transferTo(DiskLayout.ROOT_OFFSET + done, size - done, out);
            }
        }
        String fsck = tool("e2fsck", "-fn", root.toString());
        String header = tool("dumpe2fs", "-h", root.toString());
        assertTrue(header.contains("Filesystem state:         clean\n"), header);
        assertFalse(header.contains("needs_recovery"), header);
        assertTrue(fsck.contains("Pass 5"), fsck);
    }

    private static String tool(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    private static ImageTree tree(Kernel kernel, List<ImageEntry> files) throws Exception {
        return ImageComposer.compose(files, new GuestConfig(List.of("/data"), new TreeMap<>(Map.of()), GuestPath.ROOT),
                LinuxBoot.bootFiles(kernel, new Initramfs().runInitramfs(kernel), "ext4",
                        LinuxBoot.rootUuid("test")));
    }
}
