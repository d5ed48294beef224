package io.jcap.builder.api;

import java.util.Locale;

/**
 * How a local run boots a Linux image.
 *
 * <p>{@link #DISK} boots the disk alone, the way a cloud boots it: the BIOS, the boot loader on
 * the disk, the kernel and initramfs it reads from the image's file system. {@link #DIRECT}
 * hands QEMU the same kernel, initramfs and command line, stored beside the disk when the image
 * was built, the way microVMs boot: the guest skips the boot loader, which reads the 14 MB
 * kernel through BIOS calls (about 0.2 s under emulation). Both mount the image's disk as root
 * and run the same init.
 */
public enum BootMode {
    DIRECT,
    DISK;

    /** The mode named {@code direct} or {@code disk}. */
    public static BootMode parse(String text) {
        for (BootMode mode : values()) {
            if (mode.label().equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a boot mode: use direct or disk");
    }

    /** The mode's name on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
