package io.jcap.builder.family.linux;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.volume.VolumeStore;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.Driver;
import io.jcap.kernels.Initramfs;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's volumes ({@code jcap run --volume}) as a Linux guest gets them: each a virtio disk with a
 * serial of its own ({@link #serial}), which the run's settings name with the folder the init
 * mounts it on ({@code disk_volume}, docs/guest-protocol.md).
 */
final class RunVolumes {
    private static final String SERIAL_PREFIX = "jcap-vol-";

    private RunVolumes() {
    }

    /** The serial of the run's {@code index}th volume, which the guest finds its disk by. */
    static String serial(int index) {
        return SERIAL_PREFIX + index;
    }

    /** Refuses {@code request}'s volumes where they cannot work: an init that cannot mount them, a remote QEMU. */
    static void check(ImageMetadata image, RunRequest request, Driver driver) throws JcapException {
        if (request.volumes().isEmpty()) {
            return;
        }
        if (image.guestProtocol() < Initramfs.GUEST_PROTOCOL_DISK_VOLUMES) {
            throw new JcapException("image '" + image.name() + "' was built by an older jcap whose guest init cannot"
                    + " mount volumes (--volume): build it again with jcap build");
        }
        if (!driver.usesLocalFiles()) {
            throw JcapException.usage("--volume needs QEMU on this machine (the qemu driver, or libvirt at a local"
                    + " URI): a remote libvirt host's QEMU cannot reach this machine's volume files");
        }
    }

    /** The drives of {@code request}'s volumes, in order ({@link #check}ed first); missing named volumes are made. */
    static List<Drive> drives(JcapHome home, RunRequest request, EventSink events) throws JcapException {
        List<Drive> drives = new ArrayList<>();
        VolumeStore store = new VolumeStore(home);
        for (int i = 0; i < request.volumes().size(); i++) {
            VolumeMount mount = request.volumes().get(i);
            VolumeStore.Disk disk = store.disk(mount, events);
            for (int j = 0; j < i; j++) {
                // QEMU would refuse the second ("Is another process using the image?"), naming neither.
                if (sameFile(drives.get(j).file(), disk.file())) {
                    throw JcapException.usage("--volume " + request.volumes().get(j) + " and --volume " + mount
                            + " are the same file (" + disk.file() + "): a run mounts a volume on one folder");
                }
            }
            DiskFormat format = disk.qcow2() ? DiskFormat.QCOW2 : DiskFormat.RAW;
            Drive drive = Drive.virtio(disk.file(), format).withSerial(serial(i));
            drives.add(mount.readOnly() ? drive.asReadOnly() : drive);
        }
        return drives;
    }

    private static boolean sameFile(Path a, Path b) throws JcapException {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            throw new JcapException("cannot read volume file " + a + " or " + b + ": " + e.getMessage(), e);
        }
    }
}
