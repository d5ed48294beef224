package io.jcap.hypervisor.libvirt;

import io.jcap.formats.DiskFormat;
import io.jcap.formats.qcow2.Qcow2Header;
import io.jcap.host.OwnerOnly;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Puts a spec's files where QEMU on the libvirt host can read them, in the domain's folder: a
 * private copy of the kernel, the initrd, every snapshot or read-only disk and every fw_cfg file
 * (holes stay holes). fw_cfg files (run-time settings, which may hold secrets) and disks are
 * readable by their owner only; libvirt gives them to QEMU's user for the run. A snapshot disk
 * needs no overlay: its copy is private and deleted with the folder, so the guest's writes are
 * dropped just as QEMU's {@code snapshot=on} drops them. A read-only disk is copied too: libvirt
 * never gives a read-only disk's file back to its owner after the run (another guest might still
 * read it), so the user's own file must not be the one it takes.
 *
 * <p>A writable disk of a local daemon's (a run's volume) is the file itself: linked into the
 * folder when only its owner may use it (QEMU's user cannot enter a home folder such as
 * {@code /root}, and the link gives no one else a way in), used where it is otherwise. libvirt
 * gives it to QEMU's user for the run and back afterwards. A remote host takes no writable disk.
 */
final class Staging {

    private Staging() {
    }

    /** The spec with every file replaced by its path on the libvirt host. */
    static VmSpec stage(VmSpec spec, HostFiles files, String folder, boolean remote, EventSink events)
            throws JcapException {
        VmSpec.Builder placed = VmSpec.builder().machine(spec.machine()).accelerator(spec.accelerator())
                .memoryMiB(spec.memoryMiB()).cpus(spec.cpus()).rng(spec.rng()).noReboot(spec.noReboot())
                .extraArgs(spec.extraArgs().toArray(String[]::new));
        if (spec.userNetwork()) {
            placed.userNetwork(spec.portForwards().toArray(PortForward[]::new)).nic(spec.nic());
        }
        if (spec.kernel().isPresent()) {
            placed.kernel(Path.of(files.put(spec.kernel().get(), folder, "kernel", events)));
        }
        if (spec.initrd().isPresent()) {
            placed.initrd(Path.of(files.put(spec.initrd().get(), folder, "initrd", events)));
        }
        spec.append().ifPresent(placed::append);
        // The firmware is a package of the libvirt host (ovmf), at the same path as here.
        spec.firmware().ifPresent(placed::firmware);
        for (int i = 0; i < spec.drives().size(); i++) {
            placed.drive(stageDrive(spec.drives().get(i), i, files, folder, remote, events));
        }
        for (int i = 0; i < spec.firmwareFiles().size(); i++) {
            FirmwareFile f = spec.firmwareFiles().get(i);
            String staged = files.put(f.file(), folder, "fw_cfg" + i, HostFiles.PRIVATE_FILE_MODE, events);
            placed.firmwareFile(new FirmwareFile(f.name(), Path.of(staged)));
        }
        return placed.build();
    }

    private static Drive stageDrive(Drive drive, int index, HostFiles files, String folder, boolean remote,
            EventSink events) throws JcapException {
        String name = "disk" + index + "." + drive.format().qemuName();
        boolean writable = !drive.snapshot() && !drive.readOnly();
        if (writable && !remote && ownerOnly(drive.file())
                && !(drive.format() == DiskFormat.QCOW2 && hasBackingFile(drive.file()))) {
            Optional<String> linked = files.link(drive.file(), folder, name);
            if (linked.isPresent()) {
                return placed(drive, Path.of(linked.get()));
            }
        }
        if (writable) {
            if (remote) {
                throw new JcapException("disk " + drive.file() + " is writable, but a remote libvirt host ("
                        + files.where() + ") works on an uploaded copy: attach it as a snapshot or read-only drive");
            }
            events.debug("disk " + drive.file() + " is used where it is (no link to it in " + folder + "): QEMU's"
                    + " user must be able to reach it there");
            return drive;
        }
        if (drive.format() == DiskFormat.QCOW2 && hasBackingFile(drive.file())) {
            throw new JcapException("disk " + drive.file() + " is a qcow2 overlay whose backing file stays behind when"
                    + " it is copied to the libvirt host: attach the base image as a snapshot drive instead");
        }
        Path staged = Path.of(files.put(drive.file(), folder, name, HostFiles.PRIVATE_FILE_MODE, events));
        return placed(drive, staged);
    }

    /** {@code drive} at its place on the libvirt host: a copy or a link is the guest's alone, no snapshot needed. */
    private static Drive placed(Drive drive, Path staged) {
        Drive placed = new Drive(staged, drive.format(), drive.readOnly(), false, drive.bootIndex(), drive.bus());
        return drive.serial().map(placed::withSerial).orElse(placed);
    }

    /**
     * Whether only its owner may read or write {@code file}: then a link to it may stand in the
     * domain's folder, which other users may enter.
     */
    private static boolean ownerOnly(Path file) throws JcapException {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && OwnerOnly.FILE.containsAll(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new JcapException("cannot read disk " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether a qcow2 header names a backing file. */
    static boolean hasBackingFile(Path qcow2) throws JcapException {
        Optional<Qcow2Header> header = Qcow2Header.read(qcow2);
        if (header.isEmpty()) {
            throw new JcapException("disk " + qcow2 + " is not a qcow2 image (no qcow2 header)");
        }
        return header.get().backingFile().isPresent();
    }
}
