package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import io.jcap.testsupport.Requirements;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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
