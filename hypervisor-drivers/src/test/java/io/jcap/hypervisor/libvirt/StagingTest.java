package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.DiskFormat;
import io.jcap.host.HostTool;
import io.jcap.hypervisor.DiskBus;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {
    @TempDir
    Path dir;

    @Test
    void stage_localHost_copiesKernelInitrdAndSnapshotDisksButLeavesWritableOnes() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "kernel");
        Path initrd = Files.writeString(dir.resolve("initrd.cpio"), "initrd");
        Path image = Files.writeString(dir.resolve("image.raw"), "image");
        Path data = Files.writeString(dir.resolve("data.raw"), "data");
        VmSpec spec = VmSpec.builder().kernel(kernel).initrd(initrd).append("console=ttyS0")
                .drive(Drive.virtio(image, DiskFormat.RAW).asSnapshot().withBootIndex(0))
                .drive(Drive.virtio(data, DiskFormat.RAW)).userNetwork(PortForward.tcp(0, 80)).rng(true).build();
        LocalHostFiles files = new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);
        String folder = files.createFolder("jcap-0011aabb");

        VmSpec placed = Staging.stage(spec, files, folder, false, EventSink.NONE);

        Path staged = Path.of(folder);
        assertEquals(staged.resolve("kernel"), placed.kernel().orElseThrow());
        assertEquals(staged.resolve("initrd"), placed.initrd().orElseThrow());
        assertEquals("console=ttyS0", placed.append().orElseThrow());
        assertEquals(List.of(new Drive(staged.resolve("disk0.raw"), DiskFormat.RAW, false, false, OptionalInt.of(0),
                DiskBus.VIRTIO),
                Drive.virtio(data, DiskFormat.RAW)), placed.drives());
        assertEquals("image", Files.readString(staged.resolve("disk0.raw")));
        assertEquals(spec.portForwards(), placed.portForwards());
        assertTrue(placed.rng());
    }

    @Test
    void stage_firmwareFile_isCopiedReadableByItsOwnerOnly() throws Exception {
        Path settings = Files.writeString(dir.resolve("settings"), "env SECRET=1\n");
        VmSpec spec = VmSpec.builder().firmwareFile(new FirmwareFile("opt/io.jcap/config", settings)).build();
        LocalHostFiles files = new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);
        String folder = files.createFolder("jcap-0011aabb");

        VmSpec placed = Staging.stage(spec, files, folder, false, EventSink.NONE);

        Path staged = Path.of(folder, "fw_cfg0");
        assertEquals(List.of(new FirmwareFile("opt/io.jcap/config", staged)), placed.firmwareFiles());
        assertEquals("env SECRET=1\n", Files.readString(staged));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staged)));
    }

    /**
     * A disk holds the image's files and maybe a cloud-init seed's secrets: owner-only, in a folder
     * others may enter but not list; libvirt hands it to QEMU's user for the run.
     */
    @Test
    void stage_disk_isCopiedOwnerOnly() throws Exception {
        Path image = Files.write(dir.resolve("image.qcow2"), qcow2Header(0));
        VmSpec spec = VmSpec.builder().drive(Drive.virtio(image, DiskFormat.QCOW2).asSnapshot()).build();
        LocalHostFiles files = new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);
        String folder = files.createFolder("jcap-0011aabb");

        Staging.stage(spec, files, folder, false, EventSink.NONE);

        Path staged = Path.of(folder, "disk0.qcow2");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staged)));
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(folder))));
        assertEquals(-1, Files.mismatch(image, staged));
    }

    /**
     * A run's volume: a writable file only its owner may use is linked into the domain's folder, not
     * copied (the guest writes the file itself, and QEMU's user could not reach it in a home
     * folder), with the serial the guest finds it by. A read-only one is copied, holes kept: libvirt
     * would not give the file back to its owner after the run.
     */
    @Test
    void stage_ownerOnlyWritableDisk_isLinked_readOnlyOneCopiedSparse() throws Exception {
        Path data = ownerOnly(Files.writeString(dir.resolve("data.img"), "data"));
        Path seed = ownerOnly(dir.resolve("seed.img"));
        try (RandomAccessFile file = new RandomAccessFile(seed.toFile(), "rw")) {
            file.setLength(64 << 20);
            file.seek(32 << 20);
            file.write("seed".getBytes(StandardCharsets.US_ASCII));
        }
        VmSpec spec = VmSpec.builder().drive(Drive.virtio(data, DiskFormat.RAW).withSerial("jcap-vol-0"))
                .drive(Drive.virtio(seed, DiskFormat.RAW).withSerial("jcap-vol-1").asReadOnly()).build();
        LocalHostFiles files = new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);
        String folder = files.createFolder("jcap-0011aabb");

        VmSpec placed = Staging.stage(spec, files, folder, false, EventSink.NONE);

        Path staged = Path.of(folder);
        assertEquals(List.of(Drive.virtio(staged.resolve("disk0.raw"), DiskFormat.RAW).withSerial("jcap-vol-0"),
                Drive.virtio(staged.resolve("disk1.raw"), DiskFormat.RAW).withSerial("jcap-vol-1").asReadOnly()),
                placed.drives());
        assertTrue(Files.isSameFile(data, staged.resolve("disk0.raw")));
        Path copy = staged.resolve("disk1.raw");
        assertFalse(Files.isSameFile(seed, copy));
        assertEquals(-1, Files.mismatch(seed, copy));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        String blocks = HostTool.run(List.of("stat", "-c", "%b", copy.toString()), dir, Duration.ofSeconds(10))
                .stdout().strip();
        assertTrue(Long.parseLong(blocks) * 512 < 1 << 20, "the copy's holes were written: " + blocks + " blocks");
    }

    /** A link in a folder other users may enter would open the file to them: such a file is used in place. */
    @Test
    void stage_writableDiskOthersMayRead_isUsedInPlace() throws Exception {
        Path data = Files.writeString(dir.resolve("data.img"), "data");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-r-----"));
        VmSpec spec = VmSpec.builder().drive(Drive.virtio(data, DiskFormat.RAW).withSerial("jcap-vol-0")).build();
        LocalHostFiles files = new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);
        String folder = files.createFolder("jcap-0011aabb");

        VmSpec placed = Staging.stage(spec, files, folder, false, EventSink.NONE);

        assertEquals(spec.drives(), placed.drives());
        assertFalse(Files.exists(Path.of(folder, "disk0.raw")));
    }

    /** A remote host cannot have a link to this machine's file: a writable disk is refused there. */
    @Test
    void stage_writableDiskForARemoteHost_isRefused() throws Exception {
        Path data = ownerOnly(Files.writeString(dir.resolve("data.img"), "data"));
        VmSpec spec = VmSpec.builder().drive(Drive.virtio(data, DiskFormat.RAW).withSerial("jcap-vol-0")).build();
        LocalHostFiles files = new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);

        JcapException e = assertThrows(JcapException.class,
                () -> Staging.stage(spec, files, files.createFolder("jcap-x"), true, EventSink.NONE));

        assertTrue(e.getMessage().startsWith("disk " + data + " is writable, but a remote libvirt host"),
                e.getMessage());
    }

    @Test
    void stage_qcow2Overlay_isRefusedBecauseItsBackingFileStaysBehind() throws Exception {
        Path overlay = dir.resolve("overlay.qcow2");
        Files.write(overlay, qcow2Header(0x200));
        VmSpec spec = VmSpec.builder().drive(Drive.virtio(overlay, DiskFormat.QCOW2).asSnapshot()).build();
        LocalHostFiles files = new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);

        JcapException e = assertThrows(JcapException.class,
                () -> Staging.stage(spec, files, files.createFolder("jcap-x"), false, EventSink.NONE));

        assertEquals("disk " + overlay + " is a qcow2 overlay whose backing file stays behind when it is copied to the"
                + " libvirt host: attach the base image as a snapshot drive instead", e.getMessage());
    }

    @Test
    void hasBackingFile_qcow2Headers_readTheBackingOffset() throws Exception {
        Path base = Files.write(dir.resolve("base.qcow2"), qcow2Header(0));
        Path overlay = Files.write(dir.resolve("overlay.qcow2"), qcow2Header(0x200));

        assertFalse(Staging.hasBackingFile(base));
        assertTrue(Staging.hasBackingFile(overlay));
    }

    @Test
    void hasBackingFile_notQcow2_isReported() throws Exception {
        Path raw = Files.write(dir.resolve("disk.qcow2"), new byte[512]);

        JcapException e = assertThrows(JcapException.class, () -> Staging.hasBackingFile(raw));

        assertEquals("disk " + raw + " is not a qcow2 image (no qcow2 header)", e.getMessage());
    }

    private static Path ownerOnly(Path file) throws Exception {
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        return Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static byte[] qcow2Header(long backingOffset) {
        // A version 3 header of 104 bytes, no extensions, and a backing file name when there is an offset.
        ByteBuffer header = ByteBuffer.allocate(1024).putInt(0x514649FB).putInt(3).putLong(backingOffset);
        header.putInt(100, 104);
        if (backingOffset != 0) {
            byte[] name = "base.qcow2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            header.putInt(16, name.length).put((int) backingOffset, name);
        }
        return header.array();
    }
}
