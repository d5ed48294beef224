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
 * and run the same init. {@link #UEFI} boots the disk as {@link #DISK} does, through UEFI
 * firmware (OVMF) instead of the BIOS, the way AWS, GCE and Azure Gen2 machines boot it.
 */
public enum BootMode {
    DIRECT,
    DISK,
    UEFI;

    /** The mode named {@code direct}, {@code disk} (also {@code bios}) or {@code uefi}. */
    public static BootMode parse(String text) {
        if ("bios".equals(text)) {
            return DISK;
        }
        for (BootMode mode : values()) {
            if (mode.label().equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a boot mode: use direct, disk (or bios) or uefi");
    }

    /** Whether the guest boots its disk through firmware: BIOS or UEFI. */
    public boolean bootsDisk() {
        return this != DIRECT;
    }

    /** The mode's name on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
