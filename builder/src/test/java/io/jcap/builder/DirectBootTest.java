package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectBootTest {
    @TempDir
    Path dir;

    @Test
    void stage_thenOf_givesTheKernelInitramfsAndCommandLine() throws Exception {
        Path vmlinuz = Files.write(dir.resolve("vmlinuz"), new byte[] {1, 2, 3});
        Path image = Files.createDirectories(dir.resolve("image"));

        DirectBoot.stage(image, vmlinuz, new byte[] {4, 5}, "console=ttyS0 jcap.mode=run");
        DirectBoot boot = DirectBoot.of(image).orElseThrow();

        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(boot.kernel()));
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(boot.initrd()));
        assertEquals("console=ttyS0 jcap.mode=run", boot.append());
        assertEquals(image.resolve("boot/vmlinuz"), boot.kernel());
    }

    @Test
    void stage_onTheKernelStoresFileSystem_linksTheKernelInsteadOfCopyingIt() throws Exception {
        Path vmlinuz = Files.write(dir.resolve("vmlinuz"), new byte[] {1});
        Path image = Files.createDirectories(dir.resolve("image"));

        DirectBoot.stage(image, vmlinuz, new byte[] {2}, "x");

        assertTrue(Files.isSameFile(vmlinuz, image.resolve("boot/vmlinuz")));
    }

    @Test
    void of_imageWithoutAllThreeFiles_hasNoDirectBoot() throws Exception {
        Path image = Files.createDirectories(dir.resolve("image"));
        Files.createDirectories(image.resolve("boot"));
        Files.write(image.resolve("boot/vmlinuz"), new byte[] {1});
        Files.write(image.resolve("boot/initrd.img"), new byte[] {2});

        assertEquals(Optional.empty(), DirectBoot.of(image));
        assertEquals(Optional.empty(), DirectBoot.of(dir.resolve("missing")));
    }
}
