package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a {@link VmSpec} into libvirt domain XML. A pure function: the spec's files must already
 * be the paths on the libvirt host.
 *
 * <p>Port forwards go through {@code <qemu:commandline>}: libvirt 9.0 only forwards ports for an
 * {@code <interface type='user'>} with the passt backend, and Debian 12's libvirt rejects that
 * backend, while its slirp backend ignores {@code <portForward>} without a word. Every PCI device
 * gets an explicit address so the NIC libvirt does not know about cannot collide with its own.
 *
 * <p>Two kinds of domain share it: jcap's own runs ({@link #of}, defined for one run) and persistent ones a user
 * starts later with {@code virsh start}, whose network may be one of the host's libvirt networks
 * ({@link #persistent}). Both have a pseudo-terminal for a serial console ({@code virsh console},
 * or the stream jcap reads, {@link LibvirtConsole}) that libvirt also logs to a file.
 *
 * <pre>{@code
 * String xml = DomainXml.persistent("hello", spec, "/var/log/libvirt/qemu/hello-console.log", Optional.of("default"));
 * }</pre>
 */
public final class DomainXml {
    /**
     * What virtlogd appends to the name of a console's log (the {@code <log file=.../>} these
     * domains have) for the newest part it rotated away, at 2 MiB by default; older parts are
     * {@code .1} and {@code .2}.
     */
    public static final String LOG_ROTATED_SUFFIX = ".0";
    /** The id of the user-mode netdev passed to QEMU directly. */
    static final String NETDEV_ID = "jcapnet0";
    private static final int NIC_SLOT = 3;
    private static final int FIRST_DISK_SLOT = 4;
    private static final int MAX_DISKS = 26;

    private DomainXml() {
    }

    /**
     * What to say of a software-emulated (TCG) domain of several vCPUs: libvirt runs each vCPU in
     * its own host thread and has no setting for TCG's one thread, which jcap's QEMU driver uses
     * because a JIT (a JVM) can crash in a multi-threaded TCG guest (docs/reliability.md).
     */
    public static Optional<String> tcgThreadsWarning(VmSpec spec) {
        if (spec.accelerator() != Accelerator.TCG || spec.cpus() < 2) {
            return Optional.empty();
        }
        return Optional.of("this libvirt domain emulates its " + spec.cpus() + " vCPUs in " + spec.cpus() + " host threads"
                + " (TCG), where a JIT such as the JVM's can crash now and then; jcap's qemu driver (the default) runs"
                + " them in one thread, or give the guest one vCPU (-c 1)");
    }

    /**
     * The domain XML for {@code spec}, named {@code name}: its first serial port is a
     * pseudo-terminal, which jcap opens as a libvirt stream ({@link LibvirtConsole}), and which
     * libvirt also logs to {@code consoleLog} (from its start: the log is the stream's reference
     * for its end, {@link ConsoleCatchUp}); {@code forwards} are the spec's forwards with every
     * host port chosen.
     */
    static String of(String name, VmSpec spec, String consoleLog, List<PortForward> forwards) {
        return of(name, spec, ptyConsole(consoleLog, false), forwards, Optional.empty());
    }

    /**
     * The XML of a persistent domain {@code name} for {@code spec}, whose disks are already on the
     * libvirt host: its serial console is a pseudo-terminal ({@code virsh console NAME}) that
     * libvirt also logs to {@code consoleLog} on the host; with {@code network} its NIC is on that
     * libvirt network (a spec without a user network then gets it all the same), otherwise the
     * spec's user network, if any, is QEMU's own. Forwards must name their host ports.
     */
    public static String persistent(String name, VmSpec spec, String consoleLog, Optional<String> network) {
        return of(name, spec, ptyConsole(consoleLog, true), spec.portForwards(), network);
    }

    /** A pseudo-terminal serial console, logged to {@code consoleLog}: after what it holds with {@code append}. */
    private static List<String> ptyConsole(String consoleLog, boolean append) {
        return List.of("<serial type='pty'>", "  <log file='" + escape(consoleLog) + "' append='" + (append ? "on" : "off")
                + "'/>", "  <target port='0'/>", "</serial>", "<console type='pty'>", "  <target type='serial' port='0'/>",
                "</console>");
    }

    private static String of(String name, VmSpec spec, List<String> console, List<PortForward> forwards,
            Optional<String> network) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("a domain name must be letters, digits, '_', '.' or '-', got " + name);
        }
        if (spec.drives().size() > MAX_DISKS) {
            throw new IllegalArgumentException("the libvirt driver attaches at most " + MAX_DISKS + " disks, got "
                    + spec.drives().size());
        }
        if (spec.nic() != io.jcap.hypervisor.NicModel.VIRTIO
                || spec.drives().stream().anyMatch(d -> d.bus() != io.jcap.hypervisor.DiskBus.VIRTIO)) {
            throw new IllegalArgumentException("the libvirt driver attaches virtio disks and network cards only: "
                    + "choose another disk bus or card with the qemu driver");
        }
        String bus = rootBus(spec.machine());
        boolean userNetwork = spec.userNetwork() && network.isEmpty();
        boolean passThrough = userNetwork || !spec.extraArgs().isEmpty();
        StringBuilder xml = new StringBuilder();
        xml.append("<domain type='").append(spec.accelerator().qemuName().equals("kvm") ? "kvm" : "qemu").append('\'');
        if (passThrough) {
            xml.append(" xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'");
        }
        xml.append(">\n");
        line(xml, 1, "<name>" + escape(name) + "</name>");
        line(xml, 1, "<memory unit='MiB'>" + spec.memoryMiB() + "</memory>");
        line(xml, 1, "<vcpu>" + spec.cpus() + "</vcpu>");
        if (!spec.firmwareFiles().isEmpty()) {
            // libvirt passes these to QEMU as -fw_cfg name=...,file=... and labels the files for QEMU's user.
            line(xml, 1, "<sysinfo type='fwcfg'>");
            for (FirmwareFile f : spec.firmwareFiles()) {
                line(xml, 2, "<entry name='" + escape(f.name()) + "' file='" + escape(f.file().toString()) + "'/>");
            }
            line(xml, 1, "</sysinfo>");
        }
        line(xml, 1, "<os>");
        line(xml, 2, "<type arch='x86_64' machine='" + escape(spec.machine()) + "'>hvm</type>");
        // As QEMU's -bios: the firmware as a ROM, its variables kept in memory for the run.
        spec.firmware().ifPresent(f -> line(xml, 2, "<loader readonly='yes' type='rom'>" + escape(f.toString())
                + "</loader>"));
        spec.kernel().ifPresent(k -> line(xml, 2, "<kernel>" + escape(k.toString()) + "</kernel>"));
        spec.initrd().ifPresent(i -> line(xml, 2, "<initrd>" + escape(i.toString()) + "</initrd>"));
        spec.append().ifPresent(a -> line(xml, 2, "<cmdline>" + escape(a) + "</cmdline>"));
        line(xml, 1, "</os>");
        // Without ACPI a guest's power-off leaves QEMU running with a dead guest.
        line(xml, 1, "<features>");
        line(xml, 2, "<acpi/>");
        line(xml, 1, "</features>");
        line(xml, 1, "<on_poweroff>destroy</on_poweroff>");
        line(xml, 1, "<on_reboot>" + (spec.noReboot() ? "destroy" : "restart") + "</on_reboot>");
        line(xml, 1, "<on_crash>destroy</on_crash>");
        line(xml, 1, "<devices>");
        line(xml, 2, "<controller type='usb' model='none'/>");
        int slot = FIRST_DISK_SLOT;
        for (int i = 0; i < spec.drives().size(); i++) {
            disk(xml, spec.drives().get(i), i, slot++);
        }
        if (network.isPresent()) {
            line(xml, 2, "<interface type='network'>");
            line(xml, 3, "<source network='" + escape(network.get()) + "'/>");
            line(xml, 3, "<model type='virtio'/>");
            line(xml, 3, "<rom enabled='no'/>");
            line(xml, 3, address(NIC_SLOT));
            line(xml, 2, "</interface>");
        }
        for (String consoleLine : console) {
            line(xml, 2, consoleLine);
        }
        if (spec.rng()) {
            line(xml, 2, "<rng model='virtio'>");
            line(xml, 3, "<backend model='random'>/dev/urandom</backend>");
            line(xml, 3, address(slot++));
            line(xml, 2, "</rng>");
        }
        line(xml, 2, "<memballoon model='none'/>");
        line(xml, 1, "</devices>");
        if (passThrough) {
            line(xml, 1, "<qemu:commandline>");
            for (String arg : qemuArgs(spec, userNetwork, forwards, bus)) {
                line(xml, 2, "<qemu:arg value='" + escape(arg) + "'/>");
            }
            line(xml, 1, "</qemu:commandline>");
        }
        xml.append("</domain>\n");
        return xml.toString();
    }

    /** The arguments libvirt passes to QEMU untouched: the user-mode network and the spec's extra arguments. */
    static List<String> qemuArgs(VmSpec spec, List<PortForward> forwards, String bus) {
        return qemuArgs(spec, spec.userNetwork(), forwards, bus);
    }

    private static List<String> qemuArgs(VmSpec spec, boolean userNetwork, List<PortForward> forwards, String bus) {
        List<String> args = new ArrayList<>();
        if (userNetwork) {
            StringBuilder netdev = new StringBuilder("user,id=" + NETDEV_ID);
            for (PortForward f : forwards) {
                if (f.picksHostPort()) {
                    throw new IllegalArgumentException("forward to guest port " + f.guestPort() + " has no host port yet");
                }
                netdev.append(",hostfwd=").append(f.protocol().lowerCase()).append(':').append(f.hostAddress())
                        .append(':').append(f.hostPort()).append("-:").append(f.guestPort());
            }
            args.addAll(List.of("-netdev", netdev.toString(), "-device", "virtio-net-pci,netdev=" + NETDEV_ID
                    + ",romfile=,bus=" + bus + ",addr=0x" + Integer.toHexString(NIC_SLOT)));
        }
        args.addAll(spec.extraArgs());
        return args;
    }

    private static void disk(StringBuilder xml, Drive drive, int index, int slot) {
        line(xml, 2, "<disk type='file' device='disk'>");
        // As with QEMU's own driver: a host I/O error reaches the guest instead of pausing it.
        line(xml, 3, "<driver name='qemu' type='" + drive.format().qemuName()
                + "' error_policy='report' rerror_policy='report'/>");
        line(xml, 3, "<source file='" + escape(drive.file().toString()) + "'/>");
        line(xml, 3, "<target dev='vd" + (char) ('a' + index) + "' bus='virtio'/>");
        // What the guest tells the disk by (a run's volumes); Drive allows only [a-z0-9-].
        drive.serial().ifPresent(serial -> line(xml, 3, "<serial>" + serial + "</serial>"));
        if (drive.readOnly()) {
            line(xml, 3, "<readonly/>");
        }
        // libvirt counts boot order from 1; QEMU's bootindex (and Drive's) from 0.
        drive.bootIndex().ifPresent(b -> line(xml, 3, "<boot order='" + (b + 1) + "'/>"));
        line(xml, 3, address(slot));
        line(xml, 2, "</disk>");
    }

    private static String address(int slot) {
        return String.format(Locale.ROOT, "<address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' function='0x0'/>",
                slot);
    }

    /** QEMU's name of the root PCI bus: libvirt names it pci.0 on i440fx machines and pcie.0 on q35. */
    static String rootBus(String machine) {
        if (machine.equals("q35") || machine.startsWith("pc-q35-")) {
            return "pcie.0";
        }
        if (machine.equals("pc") || machine.startsWith("pc-i440fx-") || machine.matches("pc-\\d.*")) {
            return "pci.0";
        }
        throw new IllegalArgumentException("the libvirt driver runs the pc and q35 machine types, got " + machine);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\'' -> out.append("&apos;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c < 0x20) {
                        throw new IllegalArgumentException(String.format(Locale.ROOT,
                                "domain XML cannot carry the control character U+%04X in '%s'", (int) c,
                                text.replaceAll("\\p{Cntrl}", "?")));
                    }
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder xml, int depth, String text) {
        xml.append("  ".repeat(depth)).append(text).append('\n');
    }
}
