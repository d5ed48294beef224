package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZfsBuilderCmdlineTest {
    @TempDir
    Path dir;

    private Path kernel(String bootfsNames) throws Exception {
        byte[] body = new byte[3 << 20];
        byte[] names = bootfsNames.getBytes(StandardCharsets.US_ASCII);
        // Past the first 1 MiB chunk, straddling nothing in particular: where a bootfs sits in a kernel.
        System.arraycopy(names, 0, body, (1 << 20) - 5, names.length);
        return Files.write(dir.resolve("builder.elf"), body);
    }

    @Test
    void forKernel_withUmountTool_isTheExportingFormOfCurrentOsv() throws Exception {
        Path current = kernel("/tools/mkfs.so\0/tools/cpiod.so\0/tools/umount.so\0");
        assertEquals("--console=serial --norandom --nomount --noinit --preload-zfs-library /tools/mkfs.so;"
                        + " /tools/cpiod.so --prefix /zfs/; /zfs.so set compression=off osv; /tools/umount.so /zfs/zfs;"
                        + " /tools/umount.so /zfs; /zpool.so export osv",
                ZfsBuilderCmdline.forKernel(current, Optional.empty()));
    }

    @Test
    void forKernel_withoutUmountTool_isTheOlderBuilderForm() throws Exception {
        Path older = kernel("/tools/mkfs.so\0/tools/cpiod.so\0");
        assertEquals(ZfsBuilderCmdline.BUILDER_KERNEL.text(), ZfsBuilderCmdline.forKernel(older, Optional.of(" ")));
        assertEquals("--console=serial --norandom --nomount --noinit --preload-zfs-library /tools/mkfs.so;"
                + " /tools/cpiod.so --prefix /zfs/zfs; /zfs.so set compression=off osv", ZfsBuilderCmdline.BUILDER_KERNEL.text());
    }

    @Test
    void forKernel_override_byFormNameOrAsAWholeLine() throws Exception {
        Path current = kernel("/tools/umount.so");
        assertEquals(ZfsBuilderCmdline.SELF_BUILDING_IMAGE.text(),
                ZfsBuilderCmdline.forKernel(current, Optional.of("self-building-image")));
        assertEquals(ZfsBuilderCmdline.BUILDER_KERNEL.text(),
                ZfsBuilderCmdline.forKernel(current, Optional.of("Builder_Kernel")));
        assertEquals("/tools/mkfs.so; /tools/cpiod.so --prefix /zfs/",
                ZfsBuilderCmdline.forKernel(current, Optional.of(" /tools/mkfs.so; /tools/cpiod.so --prefix /zfs/ ")));
    }
}
