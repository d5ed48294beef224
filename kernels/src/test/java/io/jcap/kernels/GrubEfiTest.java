package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import io.jcap.testsupport.Requirements;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrubEfiTest {
    private static final UUID ROOT = UUID.fromString("9feca82c-5a59-3c38-a600-1ebb80c00546");

    @TempDir
    Path temp;

    @Test
    void image_debianModules_isAnX8664EfiApplication() throws Exception {
        GrubEfi grub = new GrubEfi();
        Requirements.require(grub.available(), "grub-mkimage and GRUB's x86_64-efi modules (apt-get install"
                + " grub-efi-amd64-bin)");

        byte[] image = grub.image(temp);

        // A PE file: "MZ", the PE header's offset at 0x3C, "PE\0\0", machine 0x8664, subsystem 10 (EFI application).
        ByteBuffer pe = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals('M' | 'Z' << 8, pe.getShort(0));
        int header = pe.getInt(0x3C);
        assertEquals(0x00004550, pe.getInt(header));
        assertEquals((short) 0x8664, pe.getShort(header + 4));
        assertEquals(10, pe.getShort(header + 24 + 68));
        assertTrue(image.length < 1 << 20, image.length + " bytes");
        assertEquals(0, Files.list(temp).count());
    }

    @Test
    void image_cachedIn_isMadeOnceReadBackAfter_andMadeAgainWhenGrubChanges() throws Exception {
        Requirements.require(new GrubEfi().available(), "grub-mkimage and GRUB's x86_64-efi modules (apt-get install"
                + " grub-efi-amd64-bin)");
        Path modules = Files.createDirectory(temp.resolve("x86_64-efi"));
        try (var files = Files.list(GrubEfi.DEBIAN_MODULES)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, modules.resolve(f.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path cache = temp.resolve("cache");
        Path work = Files.createDirectory(temp.resolve("work"));
        GrubEfi grub = new GrubEfi("grub-mkimage", modules).cachedIn(cache);

        byte[] made = grub.image(work);
        List<Path> kept = efiFiles(cache);
        assertEquals(1, kept.size());
        assertArrayEquals(made, Files.readAllBytes(kept.get(0)));

        // What the second build gets is what the cache holds: no grub-mkimage run.
        Files.write(kept.get(0), new byte[] {'k', 'e', 'p', 't'});
        assertArrayEquals(new byte[] {'k', 'e', 'p', 't'}, grub.image(work));

        // Another GRUB (a module file changed): made anew, and the old one goes.
        Files.setLastModifiedTime(modules.resolve("linux.mod"), java.nio.file.attribute.FileTime.fromMillis(86_400_000L));
        byte[] again = grub.image(work);
        assertEquals('M' | 'Z' << 8, ByteBuffer.wrap(again).order(ByteOrder.LITTLE_ENDIAN).getShort(0));
        List<Path> now = efiFiles(cache);
        assertEquals(1, now.size());
        assertTrue(!now.get(0).equals(kept.get(0)), now + " replaces " + kept);
        assertEquals(0, Files.list(work).count());
    }

    private static List<Path> efiFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".efi")).toList();
        }
    }

    @Test
    void image_withoutTheModules_namesThePackage() {
        GrubEfi grub = new GrubEfi("grub-mkimage", temp.resolve("none"));

        EnvironmentException e = assertThrows(EnvironmentException.class, () -> grub.image(temp));

        assertTrue(e.getMessage().contains("install the Debian package grub-efi-amd64-bin"), e.getMessage());
    }

    @Test
    void config_bootsTheExtlinuxKernelFromTheRootByUuid_withEachWordQuoted() {
        assertEquals("""
                serial --unit=0 --speed=115200
                terminal_input serial console
                terminal_output serial console
                if search --no-floppy --fs-uuid --set=root 9feca82c-5a59-3c38-a600-1ebb80c00546; then
                  linux /boot/vmlinuz 'console=ttyS0' 'jcap.x=it'\\''s' '$HOME'
                  initrd /boot/initrd.img
                  boot
                fi
                echo "JCAP-ERROR GRUB could not boot /boot/vmlinuz from the file system UUID=9feca82c-5a59-3c38-a600-1ebb80c00546 (its error is above)"
                halt
                """, GrubEfi.config("console=ttyS0  jcap.x=it's $HOME", ROOT));
    }

    @Test
    void config_lineBreakOrDoubleQuoteInTheCommandLine_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> GrubEfi.config("a\nb", ROOT));
        assertThrows(IllegalArgumentException.class, () -> GrubEfi.config("jcap.x=\"a b\"", ROOT));
    }
}
