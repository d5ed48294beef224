package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
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

        DirectBoot.stage(image, vmlinuz, Sha256.of(vmlinuz), new byte[] {4, 5}, "console=ttyS0 jcap.mode=run");
        DirectBoot boot = DirectBoot.of(image).orElseThrow().check().await("img");

        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(boot.kernel()));
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(boot.initrd()));
        assertEquals("console=ttyS0 jcap.mode=run", boot.append());
        assertEquals(image.resolve("boot/vmlinuz"), boot.kernel());
        assertEquals(Sha256.of(new byte[] {4, 5}), boot.sums().get("initrd.img"));
    }

    @Test
    void check_kernelChangedSinceTheBuild_isAnErrorNamingTheFile() throws Exception {
        Path vmlinuz = Files.write(dir.resolve("vmlinuz"), new byte[] {1, 2, 3});
        Path image = Files.createDirectories(dir.resolve("image"));
        DirectBoot.stage(image, vmlinuz, Sha256.of(new byte[] {9}), new byte[] {4, 5}, "x");
        // The image's own copy: the store's kernel was replaced since (the store renames, so the
        // image's link is then its only name).
        Files.delete(vmlinuz);

        JcapException e = assertThrows(JcapException.class, () -> DirectBoot.of(image).orElseThrow().check().await("img"));

        assertEquals("image 'img': " + image.resolve("boot/vmlinuz") + " does not match the SHA-256 recorded when the"
                + " image was built: build it again with jcap build --force, or run it with --boot disk", e.getMessage());
    }

    @Test
    void check_kernelChangedInPlaceWhileLinkedFromTheStore_saysTheStoresKernelIsDamagedToo() throws Exception {
        Path vmlinuz = Files.write(dir.resolve("vmlinuz"), new byte[] {1, 2, 3});
        Path image = Files.createDirectories(dir.resolve("image"));
        DirectBoot.stage(image, vmlinuz, Sha256.of(vmlinuz), new byte[] {4, 5}, "x");
        assertTrue(Files.isSameFile(vmlinuz, image.resolve("boot/vmlinuz")), "linked, as on one file system");
        Files.write(vmlinuz, new byte[] {1, 2, 4});

        JcapException e = assertThrows(JcapException.class, () -> DirectBoot.of(image).orElseThrow().check().await("img"));

        assertEquals("image 'img': " + image.resolve("boot/vmlinuz") + " does not match the SHA-256 recorded when the"
                + " image was built: build it again with jcap build --force (the file is shared with the kernel store,"
                + " where that kernel is damaged as well: the build says how to get it again), or run it with --boot"
                + " disk", e.getMessage());
    }

    @Test
    void parseSums_readsSha256sumOutput_andRefusesOtherLines() {
        String hex = Sha256.of(new byte[] {1}).hex();

        assertEquals(java.util.Map.of("vmlinuz", new Sha256(hex), "initrd.img", new Sha256(hex)),
                DirectBoot.parseSums(hex + "  vmlinuz\n" + hex + " *initrd.img\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DirectBoot.parseSums("oops\n"));
        assertEquals("not a sha256sum line: 'oops'", e.getMessage());
    }

    @Test
    void stage_onTheKernelStoresFileSystem_linksTheKernelInsteadOfCopyingIt() throws Exception {
        Path vmlinuz = Files.write(dir.resolve("vmlinuz"), new byte[] {1});
        Path image = Files.createDirectories(dir.resolve("image"));

        DirectBoot.stage(image, vmlinuz, Sha256.of(vmlinuz), new byte[] {2}, "x");

        assertTrue(Files.isSameFile(vmlinuz, image.resolve("boot/vmlinuz")));
    }

    @Test
    void of_imageWithoutAllItsFiles_hasNoDirectBoot() throws Exception {
        Path image = Files.createDirectories(dir.resolve("image"));
        Files.createDirectories(image.resolve("boot"));
        Files.write(image.resolve("boot/vmlinuz"), new byte[] {1});
        Files.write(image.resolve("boot/initrd.img"), new byte[] {2});
        Files.writeString(image.resolve("boot/append"), "x");

        assertEquals(Optional.empty(), DirectBoot.of(image));
        assertEquals(Optional.empty(), DirectBoot.of(dir.resolve("missing")));
    }
}
