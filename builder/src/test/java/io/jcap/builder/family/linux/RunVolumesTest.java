package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.kernels.Initramfs;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.model.VolumeMount;
import io.jcap.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's volumes in the Linux plan: the drives with their serials, and what is refused before anything starts. */
class RunVolumesTest {
    @TempDir
    Path dir;

    private static VmSpec materialize(JcapHome home, RunRequest request, Path run) throws Exception {
        return LinuxRunPlan.prepare(home, new ImageRepository(home.images()).get(request.image()), request,
                EventSink.NONE).materialize(Files.createDirectories(run));
    }

    @Test
    void materialize_volumes_attachesEachAfterTheRootWithItsSerial_readOnlyAsAsked() throws Exception {
        Requirements.requireProgram("mke2fs", "e2fsprogs");
        JcapHome home = StoredImages.homeWithImage(dir, Initramfs.GUEST_PROTOCOL, true, "linux");
        Path qcow2 = dir.resolve("seed.qcow2");
        Qcow2Overlay.create(Files.write(dir.resolve("seed.raw"), new byte[1 << 20]), qcow2);
        RunRequest request = RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG))
                .withVolumes(List.of(VolumeMount.parse("data:/data"), VolumeMount.parse(qcow2 + ":/seed:ro")));

        VmSpec spec = materialize(home, request, dir.resolve("run"));

        assertEquals(List.of(Drive.virtio(home.volumes().resolve("data.img"), DiskFormat.RAW).withSerial("jcap-vol-0"),
                Drive.virtio(qcow2, DiskFormat.QCOW2).withSerial("jcap-vol-1").asReadOnly()),
                spec.drives().subList(1, 3));
        String settings = Files.readString(spec.firmwareFiles().get(0).file());
        assertEquals(true, settings.contains("disk_volume jcap-vol-0 rw /data\ndisk_volume jcap-vol-1 ro /seed\n"),
                settings);
    }

    /** A named volume and its own file on two folders: refused before QEMU, naming both. */
    @Test
    void materialize_oneFileForTwoFolders_isAUsageError() throws Exception {
        Requirements.requireProgram("mke2fs", "e2fsprogs");
        JcapHome home = StoredImages.homeWithImage(dir, Initramfs.GUEST_PROTOCOL, true, "linux");
        Path file = home.volumes().resolve("data.img");
        RunRequest request = RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG))
                .withVolumes(List.of(VolumeMount.parse("data:/data"), VolumeMount.parse(file + ":/copy:ro")));

        JcapException e = assertThrows(JcapException.class, () -> materialize(home, request, dir.resolve("run")));

        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("--volume data:/data and --volume " + file + ":/copy:ro are the same file (" + file + "): a run"
                + " mounts a volume on one folder", e.getMessage());
    }

    @Test
    void prepare_volumesForAnImageWhoseInitCannotMountThem_isRefusedBeforeAVolumeIsMade() throws Exception {
        JcapHome home = StoredImages.homeWithImage(dir, Initramfs.GUEST_PROTOCOL_DISK_VOLUMES - 1, true, "linux");

        JcapException e = assertThrows(JcapException.class, () -> materialize(home,
                RunRequest.of("old").withVolumes(List.of(VolumeMount.parse("data:/data"))), dir.resolve("run")));

        assertEquals("image 'old' was built by an older jcap whose guest init cannot mount volumes (--volume): build it"
                + " again with jcap build", e.getMessage());
        assertFalse(Files.exists(home.volumes()));
    }

    @Test
    void prepare_volumesThroughARemoteLibvirtHost_areAUsageError() throws Exception {
        JcapHome home = StoredImages.homeWithImage(dir, Initramfs.GUEST_PROTOCOL, false, "linux");
        LibvirtUri remote = LibvirtUri.parse("qemu+ssh://jcap@kvm1.example.org/system");

        JcapException e = assertThrows(JcapException.class, () -> materialize(home, RunRequest.of("old")
                .withLibvirt(Optional.of(remote)).withVolumes(List.of(VolumeMount.parse("data:/data"))),
                dir.resolve("run")));

        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("--volume needs QEMU on this machine (the qemu driver, or libvirt at a local URI): a remote"
                + " libvirt host's QEMU cannot reach this machine's volume files", e.getMessage());
        assertFalse(Files.exists(home.volumes()));
    }
}
