package io.jcap.hypervisor;

import io.jcap.formats.DiskFormat;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A disk image attached to the guest, as a virtio-blk PCI device unless another {@link DiskBus} is chosen.
 *
 * <pre>{@code
 * Drive root = Drive.virtio(Path.of("app.qcow2"), DiskFormat.QCOW2).withBootIndex(0);
 * Drive scratch = Drive.virtio(Path.of("base.raw"), DiskFormat.RAW).asSnapshot();
 * }</pre>
 *
 * @param readOnly the guest cannot write
 * @param snapshot the guest writes go to a temporary overlay that QEMU drops on exit
 * @param bootIndex the firmware's boot order, lowest first; empty for a disk it should not boot
 * @param bus the controller the disk hangs on
 * @param discard the guest's discards free the image's space ({@code discard=unmap}; QEMU driver)
 * @param scratch the guest's flushes are not passed on to the host's file ({@code cache=unsafe}; QEMU
 *     driver): for a disk whose contents matter only once QEMU has exited, and which jcap then reads
 *     and syncs itself (the builder VM's disk)
 * @param serial the serial number the guest reads from a virtio disk ({@code /sys/block/vdb/serial}),
 *     by which it tells the disks apart (a run's volumes); empty: none
 */
public record Drive(Path file, DiskFormat format, boolean readOnly, boolean snapshot, OptionalInt bootIndex,
        DiskBus bus, boolean discard, boolean scratch, Optional<String> serial) {
    /** What a serial may hold: virtio-blk gives the guest at most 20 bytes. */
    private static final Pattern SERIAL = Pattern.compile("[a-z0-9-]{1,20}");

    public Drive {
        if (file == null || format == null || bootIndex == null || bus == null || serial == null) {
            throw new IllegalArgumentException("a drive needs a file, a format, a boot index (may be empty), a bus"
                    + " and a serial (may be empty)");
        }
        if (serial.isPresent() && (!SERIAL.matcher(serial.get()).matches() || bus != DiskBus.VIRTIO)) {
            throw new IllegalArgumentException("a drive's serial is 1 to 20 of a-z, 0-9 and -, on a virtio disk; got "
                    + serial.get() + " on " + bus);
        }
        if (bootIndex.isPresent() && bootIndex.getAsInt() < 0) {
            throw new IllegalArgumentException("boot index must not be negative, got " + bootIndex.getAsInt());
        }
        file = file.toAbsolutePath();
    }

    /** A drive whose guest discards are ignored and whose flushes reach the host's file. */
    public Drive(Path file, DiskFormat format, boolean readOnly, boolean snapshot, OptionalInt bootIndex, DiskBus bus) {
        this(file, format, readOnly, snapshot, bootIndex, bus, false, false, Optional.empty());
    }

    /** A read-write drive that the firmware does not boot from. */
    public static Drive virtio(Path file, DiskFormat format) {
        return new Drive(file, format, false, false, OptionalInt.empty(), DiskBus.VIRTIO);
    }

    public Drive withBootIndex(int index) {
        return new Drive(file, format, readOnly, snapshot, OptionalInt.of(index), bus, discard, scratch, serial);
    }

    public Drive asReadOnly() {
        return new Drive(file, format, true, snapshot, bootIndex, bus, discard, scratch, serial);
    }

    public Drive asSnapshot() {
        return new Drive(file, format, readOnly, true, bootIndex, bus, discard, scratch, serial);
    }

    /** The same drive on another controller. */
    public Drive withBus(DiskBus value) {
        return new Drive(file, format, readOnly, snapshot, bootIndex, value, discard, scratch, serial);
    }

    /**
     * The same drive with the guest's discards passed to the image: a block the guest's file
     * system trims (FITRIM) stops taking space in it (in a qcow2 overlay it reads as zeros).
     */
    public Drive withDiscard() {
        return new Drive(file, format, readOnly, snapshot, bootIndex, bus, true, scratch, serial);
    }

    /**
     * The same drive as scratch: the guest's flushes (its file system's commits, sync, fsync) cost
     * the host an fdatasync each, while the disk is only read once QEMU exited, by jcap, which syncs
     * what it keeps; a host that crashed meanwhile loses the build either way. QEMU still writes its
     * own caches (a qcow2 overlay's tables) to the file at each guest flush, and only skips the
     * {@code fdatasync}, so a QEMU stopped after the guest's last sync leaves a complete file.
     */
    public Drive asScratch() {
        return new Drive(file, format, readOnly, snapshot, bootIndex, bus, discard, true, serial);
    }

    /** The same drive with the serial the guest reads ({@code /sys/block/vdX/serial}): a virtio disk only. */
    public Drive withSerial(String value) {
        return new Drive(file, format, readOnly, snapshot, bootIndex, bus, discard, scratch, Optional.of(value));
    }
}
