package io.jcap.builder;

import io.jcap.builder.api.JcapHome;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.osv.OsvKernelImporter;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A synthetic OSv loader image and a jcap home that holds it. */
public final class OsvSamples {
    public static final int LOADER_SIZE = 300 * 1024;

    private OsvSamples() {
    }

    /**
     * A 300 KiB loader image as OSv's build lays it out: boot sector (kernel-size field 8, 55 AA),
     * an ELF header at 64 KiB, patterned bytes after it. It cannot boot: tests look at layouts.
     */
    public static byte[] loader() {
        byte[] image = new byte[LOADER_SIZE];
        image[0] = (byte) 0xEA;
        image[0x10] = 8;
        image[510] = 0x55;
        image[511] = (byte) 0xAA;
        image[65536] = 0x7F;
        image[65537] = 'E';
        image[65538] = 'L';
        image[65539] = 'F';
        for (int i = 65540; i < image.length; i++) {
            image[i] = (byte) (i * 13);
        }
        return image;
    }

    /**
     * A loader whose boot sector, instead of OSv, prints {@code lines} on the serial port and
     * powers the VM off (ACPI on QEMU's pc machine): enough to exercise how OSv images are run.
     */
    public static byte[] bootableLoader(String... lines) {
        byte[] image = loader();
        byte[] code = {
            (byte) 0xEB, 0x1E, // jmp 0x20, over the data fields (the kernel-size field is at 0x10)
        };
        System.arraycopy(code, 0, image, 0, code.length);
        byte[] program = {
            (byte) 0xFA,                         // 0x20 cli
            0x31, (byte) 0xC0,                   // xor ax, ax
            (byte) 0x8E, (byte) 0xD8,            // mov ds, ax
            (byte) 0xFC,                         // cld
            (byte) 0xBE, 0x3E, 0x7C,             // mov si, 0x7C3E (the text)
            (byte) 0xBA, (byte) 0xF8, 0x03,      // mov dx, 0x3F8 (COM1)
            (byte) 0xAC,                         // 0x2C: lodsb
            (byte) 0x84, (byte) 0xC0,            // test al, al
            0x74, 0x03,                          // jz 0x34
            (byte) 0xEE,                         // out dx, al
            (byte) 0xEB, (byte) 0xF8,            // jmp 0x2C
            (byte) 0xBA, 0x04, 0x06,             // 0x34: mov dx, 0x604 (ACPI PM1a control)
            (byte) 0xB8, 0x00, 0x20,             // mov ax, 0x2000 (sleep enable, S5)
            (byte) 0xEF,                         // out dx, ax
            (byte) 0xF4,                         // hlt
            (byte) 0xEB, (byte) 0xFD,            // jmp to hlt
        };
        System.arraycopy(program, 0, image, 0x20, program.length);
        byte[] text = (String.join("\r\n", lines) + "\r\n\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (0x3E + text.length > 0x1B8) {
            throw new IllegalArgumentException("the text does not fit in the boot sector");
        }
        System.arraycopy(text, 0, image, 0x3E, text.length);
        return image;
    }

    /** A jcap home in {@code dir} whose kernel store holds {@link #loader()} as {@code name}. */
    public static JcapHome homeWithLoader(Path dir, String name) throws IOException, JcapException {
        return homeWithLoader(dir, name, loader());
    }

    /** A jcap home in {@code dir} whose kernel store holds {@code loader} as {@code name}. */
    public static JcapHome homeWithLoader(Path dir, String name, byte[] loader) throws IOException, JcapException {
        JcapHome home = new JcapHome(dir);
        Path file = Files.write(Files.createDirectories(dir.resolve("downloads")).resolve("osv-loader.qemu"), loader);
        new OsvKernelImporter().importFile(file, Optional.of(name), new KernelStore(home.kernels()), EventSink.NONE);
        return home;
    }
}
