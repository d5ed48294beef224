package io.jcap.builder.family.osv;

import io.jcap.formats.DiskFormat;
import io.jcap.formats.cpio.StreamStats;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.ByteSize;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an OSv disk with a ZFS file system: a copy of the loader, MBR entry 2 from the loader's
 * size rounded up to 2 MiB to the end of the disk, then OSv's ZFS builder kernel booted with the
 * disk attached formats the partition and receives the files from {@code cpiod}
 * ({@link CpiodBuilderVm}); finally the application's command line goes to byte 512.
 */
final class OsvZfsDisk {
    /** What OSv's cpiod prints once it listens. */
    static final String READY_LINE = "Waiting for connection from host...";
    /** cpiod's port inside the guest. */
    static final int CPIOD_PORT = 10000;
    /** OSv's mkfs fails on a smaller ZFS partition. */
    static final long MIN_PARTITION = 64L << 20;
    static final long DEFAULT_PARTITION = 256L << 20;
    /**
     * ZFS, its ARC and the tools run in the builder's memory: 512 MiB as OSv's own build gives it,
     * 256 MiB for a small tree, where it boots and formats about 0.2 s sooner under emulation.
     */
    static final int BUILDER_MEMORY_MIB = 512;
    static final int SMALL_BUILDER_MEMORY_MIB = 256;
    /** A tree up to this many bytes of content is small. */
    static final long SMALL_TREE = 32L << 20;

    private final QemuInstallation qemu;
    private final EventSink events;
    private final CpiodBuilderVm.Timeouts timeouts;

    OsvZfsDisk(QemuInstallation qemu, EventSink events, CpiodBuilderVm.Timeouts timeouts) {
        this.qemu = qemu;
        this.events = events;
        this.timeouts = timeouts;
    }

    /**
     * The disk size: {@code size} when given (rounded up to whole MiB), else a 256 MiB partition
     * (more when the files need it) after the loader.
     *
     * @throws JcapException when the partition would be under 64 MiB or too small for the files
     */
    static long diskBytes(long loaderBytes, long contentBytes, java.util.Optional<ByteSize> size) throws JcapException {
        long start = OsvDisk.partitionStart(loaderBytes);
        long needed = Math.max(MIN_PARTITION, contentBytes + contentBytes / 4 + (32L << 20));
        if (size.isEmpty()) {
            long partition = Math.max(DEFAULT_PARTITION, (needed + (1 << 20) - 1) >> 20 << 20);
            return start + partition;
        }
        long disk = (size.get().bytes() + (1 << 20) - 1) >> 20 << 20;
        if (disk - start < needed) {
            long minimum = (start + needed + (1 << 20) - 1) >> 20;
            throw new JcapException("size " + size.get() + " leaves " + Math.max(0, (disk - start) >> 20) + " MiB for ZFS"
                    + " after the " + (start >> 20) + " MiB loader area, which needs " + ((needed + (1 << 20) - 1) >> 20)
                    + " MiB (at least 64 MiB for OSv's mkfs, and the files plus a quarter plus 32 MiB): use size: "
                    + minimum + "M or more, or leave size out");
        }
        return disk;
    }

    static int builderMemoryMiB(List<ImageEntry> entries) {
        long content = 0;
        for (ImageEntry e : entries) {
            if (e instanceof ImageEntry.RegularFile f) {
                content += f.content().size();
            }
        }
        return content <= SMALL_TREE ? SMALL_BUILDER_MEMORY_MIB : BUILDER_MEMORY_MIB;
    }

    /**
     * Writes {@code disk} (raw) of {@code diskBytes}, fills its ZFS partition with {@code entries}
     * and writes {@code cmdline} at byte 512.
     */
    StreamStats write(Kernel loader, Kernel builder, String builderCmdline, long diskBytes, List<ImageEntry> entries,
                      String cmdline, Path disk, Accelerator accelerator) throws JcapException, InterruptedException {
        OsvDisk.cmdlineArea(cmdline);
        OsvDisk.create(loader.image(), disk, diskBytes);
        VmSpec spec = VmSpec.builder()
                .accelerator(accelerator)
                .memoryMiB(builderMemoryMiB(entries))
                .kernel(builder.image())
                .append(builderCmdline)
                .drive(Drive.virtio(disk, DiskFormat.RAW).asScratch())
                .userNetwork(PortForward.tcp(0, CPIOD_PORT))
                .noReboot(true)
                .build();
        events.info("Booting OSv's ZFS builder (" + accelerator.qemuName() + "): " + builderCmdline);
        StreamStats sent = new CpiodBuilderVm(qemu, events, timeouts)
                .fill(spec, CPIOD_PORT, CpiodBuilderVm.GuestSignals.OSV,
                        // OSv's cpiod ignores newc link counts: hard links go as copies of their files.
                        ImageEntry.HardLink.asCopies(entries));
        OsvDisk.writeCmdline(disk, cmdline);
        return sent;
    }
}
