package io.jcap.formats.fat;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a FAT volume holds: its size in bytes, a label, a serial number, the one time stamped on
 * every entry, and files by absolute path ({@code /EFI/BOOT/BOOTX64.EFI}); the directories on the
 * way are implied. Every path component must be an 8.3 name in upper case.
 *
 * <pre>{@code
 * FatVolume esp = new FatVolume(8 << 20, "ESP", 0x4A434150,
 *         Map.of("/EFI/BOOT/BOOTX64.EFI", grubEfi, "/EFI/BOOT/GRUB.CFG", grubCfg));
 * }</pre>
 *
 * <p>The files are copied in; as with any record holding arrays, {@code equals} compares them by
 * identity: compare {@link #files()} entry by entry.
 *
 * @param sizeBytes a multiple of 512, from {@link #MIN_BYTES} to {@link #MAX_BYTES}
 * @param timestamp between 1980 and 2107, stored in UTC to the even second
 */
public record FatVolume(long sizeBytes, String label, int serialNumber, Instant timestamp, Map<String, byte[]> files) {
    public static final long MIN_BYTES = 1L << 20;
    /** The largest size that FAT16 with 32 KiB clusters covers. */
    public static final long MAX_BYTES = 2047L << 20;
    /** The DOS epoch, the earliest time a directory entry can hold: the time stamped when none is given. */
    public static final Instant DOS_EPOCH = Instant.parse("1980-01-01T00:00:00Z");
    private static final Instant LAST_DOS_TIME = Instant.parse("2107-12-31T23:59:58Z");

    public FatVolume {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(timestamp, "timestamp");
        if (sizeBytes < MIN_BYTES || sizeBytes > MAX_BYTES || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("FAT volume size " + sizeBytes + " bytes is not allowed: give a multiple"
                    + " of 512 from " + MIN_BYTES + " (1 MiB) to " + MAX_BYTES + " (2047 MiB)");
        }
        ShortName.label(label);
        if (timestamp.isBefore(DOS_EPOCH) || timestamp.isAfter(LAST_DOS_TIME)) {
            throw new IllegalArgumentException("time stamp " + timestamp + " cannot be stored in a FAT directory"
                    + " entry: give one from " + DOS_EPOCH + " to " + LAST_DOS_TIME);
        }
        Map<String, byte[]> copy = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String path = e.getKey();
            if (!path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
                throw new IllegalArgumentException("file path '" + path + "' is not allowed: give an absolute path"
                        + " like /EFI/BOOT/BOOTX64.EFI, without empty components or a trailing /");
            }
            for (String name : path.substring(1).split("/")) {
                ShortName.encode(name, path);
            }
            copy.put(path, e.getValue().clone());
        }
        files = Collections.unmodifiableMap(copy);
    }

    /** A volume whose entries carry the DOS epoch, 1980-01-01 00:00:00. */
    public FatVolume(long sizeBytes, String label, int serialNumber, Map<String, byte[]> files) {
        this(sizeBytes, label, serialNumber, DOS_EPOCH, files);
    }
}
