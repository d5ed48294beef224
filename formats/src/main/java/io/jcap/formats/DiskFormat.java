package io.jcap.formats;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Disk image formats jcap reads and writes, with the names QEMU uses for them. */
public enum DiskFormat {
    RAW("raw"),
    QCOW2("qcow2"),
    VMDK("vmdk"),
    /** Microsoft VHD; QEMU calls it {@code vpc}. */
    VHD("vpc"),
    VHDX("vhdx"),
    VDI("vdi");

    private final String qemuName;

    DiskFormat(String qemuName) {
        this.qemuName = qemuName;
    }

    public String qemuName() {
        return qemuName;
    }

    /** The format QEMU calls {@code name} ("raw", "qcow2", "vpc"...), if jcap knows it. */
    public static Optional<DiskFormat> fromQemuName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.qemuName.equals(wanted)).findFirst();
    }
}
