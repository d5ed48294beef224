package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.DiskBus;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@link VmSpec} into the qemu-system-x86_64 command line. */
final class QemuCommandLine {
    /** The id of the virtio-scsi controller SCSI drives share. */
    private static final String SCSI_CONTROLLER = "scsi0";
    /**
     * A host I/O error (a full host disk above all) reaches the guest as an I/O error. QEMU's
     * default for writes, {@code enospc}, pauses the whole VM instead: a builder guest then hangs
     * until the host's reply bound, and a run hangs silently.
     */
    static final String ERROR_POLICY = ",werror=report,rerror=report";
    /**
     * Under TCG, a guest of several vCPUs runs them in one host thread, taking turns. QEMU 7.2's
     * multi-threaded TCG (one host thread a vCPU, its default for x86) let code one vCPU had just
     * written and another then ran go wrong: a JVM in a two-vCPU guest died of SIGSEGV at the
     * first instruction of a freshly compiled method in 5 of 120 runs, none of 40 on one vCPU and
     * none on two in one thread (docs/reliability.md). KVM runs guest code natively and is not
     * affected.
     */
    static final String TCG_ONE_THREAD = "thread=single";

    private QemuCommandLine() {
    }

    /** The {@code -accel} value: the accelerator, and TCG's one thread for several vCPUs. */
    static String accel(VmSpec spec) {
        String name = spec.accelerator().qemuName();
        return spec.accelerator() == Accelerator.TCG && spec.cpus() > 1 ? name + "," + TCG_ONE_THREAD : name;
    }

    /**
     * The full command. {@code forwards} are the spec's forwards with every host port chosen;
     * the serial console goes to stdout, the QMP socket is the only control channel.
     */
    static List<String> of(Path binary, VmSpec spec, Path qmpSocket, List<PortForward> forwards) {
        return build(binary, spec, qmpSocket, forwards, List.of("-serial", "stdio"), List.of());
    }

    /**
     * The command of a guest that outlives jcap: QEMU daemonizes once its setup worked (its first
     * process exits 0, or non-zero with the reason on stderr), writes the guest's pid to
     * {@code pidFile}, connects the serial console to the unix socket {@code consoleSocket} and a QMP
     * monitor to {@code eventsSocket}, where a {@link ConsoleLogKeeper} listens (QEMU fails to start
     * when nothing does). The guest starts paused ({@code -S}): {@link DetachedQemu} lets it run
     * over QMP once it knows the process.
     */
    static List<String> detached(Path binary, VmSpec spec, Path qmpSocket, List<PortForward> forwards,
                                 Path consoleSocket, Path eventsSocket, Path pidFile) {
        return build(binary, spec, qmpSocket, forwards,
                List.of("-chardev", "socket,id=console,path=" + escape(consoleSocket.toString()),
                        "-serial", "chardev:console",
                        "-chardev", "socket,id=events,path=" + escape(eventsSocket.toString()),
                        "-mon", "chardev=events,mode=control"),
                List.of("-S", "-daemonize", "-pidfile", pidFile.toString()));
    }

    /**
     * The {@code -chardev} of the QMP socket at {@code qmpSocket}, which QEMU listens on; also how a
     * guest's QEMU is told among the machine's processes. A chardev, not {@code -qmp unix:PATH}: that
     * form cannot hold a comma in its path (a jcap home such as {@code /srv/a,b}).
     */
    static String qmpChardev(Path qmpSocket) {
        return "socket,id=qmp,path=" + escape(qmpSocket.toString()) + ",server=on,wait=off";
    }

    /** The {@code -qmp} argument of a guest started by jcap before {@link #qmpChardev}, still found by it. */
    static String legacyQmpArgument(Path qmpSocket) {
        return "unix:" + qmpSocket + ",server=on,wait=off";
    }

    private static List<String> build(Path binary, VmSpec spec, Path qmpSocket, List<PortForward> forwards,
                                      List<String> console, List<String> lifecycle) {
        List<String> args = new ArrayList<>(List.of(binary.toString(),
                "-M", spec.machine(),
                "-accel", accel(spec),
                "-m", Integer.toString(spec.memoryMiB()),
                "-smp", Integer.toString(spec.cpus()),
                "-display", "none"));
        args.addAll(console);
        args.addAll(List.of("-monitor", "none",
                "-nodefaults",
                "-chardev", qmpChardev(qmpSocket), "-mon", "chardev=qmp,mode=control"));
        args.addAll(lifecycle);
        if (spec.noReboot()) {
            args.add("-no-reboot");
        }
        spec.firmware().ifPresent(f -> args.addAll(List.of("-bios", f.toString())));
        spec.kernel().ifPresent(k -> args.addAll(List.of("-kernel", k.toString())));
        spec.initrd().ifPresent(i -> args.addAll(List.of("-initrd", i.toString())));
        spec.append().ifPresent(a -> args.addAll(List.of("-append", a)));
        if (spec.drives().stream().anyMatch(d -> d.bus() == DiskBus.SCSI)) {
            args.addAll(List.of("-device", "virtio-scsi-pci,id=" + SCSI_CONTROLLER));
        }
        for (int i = 0; i < spec.drives().size(); i++) {
            Drive drive = spec.drives().get(i);
            String id = "drive" + i;
            args.addAll(List.of("-drive", "file=" + escape(drive.file().toString()) + ",format="
                    + drive.format().qemuName() + ",if=none,id=" + id + ERROR_POLICY + (drive.readOnly() ? ",readonly=on" : "")
                    + (drive.snapshot() ? ",snapshot=on" : "") + (drive.discard() ? ",discard=unmap" : "")
                    + (drive.scratch() ? ",cache=unsafe" : "")));
            String bootIndex = drive.bootIndex().isPresent() ? ",bootindex=" + drive.bootIndex().getAsInt() : "";
            args.addAll(List.of("-device", switch (drive.bus()) {
                case VIRTIO -> "virtio-blk-pci,drive=" + id + bootIndex
                        + drive.serial().map(serial -> ",serial=" + serial).orElse("");
                case SCSI -> "scsi-hd,bus=" + SCSI_CONTROLLER + ".0,drive=" + id + bootIndex;
                case NVME -> "nvme,serial=jcap" + i + ",drive=" + id + bootIndex;
            }));
        }
        if (spec.userNetwork()) {
            StringBuilder netdev = new StringBuilder("user,id=net0");
            for (PortForward f : forwards) {
                netdev.append(",hostfwd=").append(f.protocol().lowerCase()).append(':').append(f.hostAddress())
                        .append(':').append(f.hostPort()).append("-:").append(f.guestPort());
            }
            // No option ROM: the guest boots from disk or -kernel, never over the network.
            args.addAll(List.of("-netdev", netdev.toString(), "-device", spec.nic().qemuDevice() + ",netdev=net0,romfile="));
        }
        if (spec.rng()) {
            args.addAll(List.of("-object", "rng-random,id=rng0,filename=/dev/urandom",
                    "-device", "virtio-rng-pci,rng=rng0"));
        }
        for (FirmwareFile f : spec.firmwareFiles()) {
            args.addAll(List.of("-fw_cfg", "name=" + f.name() + ",file=" + escape(f.file().toString())));
        }
        args.addAll(spec.extraArgs());
        return List.copyOf(args);
    }

    /** The command as a shell would take it back: arguments with other characters in single quotes. */
    static String shellLine(List<String> command) {
        StringBuilder line = new StringBuilder();
        for (String arg : command) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(arg.matches("[A-Za-z0-9_./:=,+@%-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    /** QEMU's option syntax doubles a comma inside a value. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
