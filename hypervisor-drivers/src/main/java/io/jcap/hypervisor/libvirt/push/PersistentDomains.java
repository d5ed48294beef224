package io.jcap.hypervisor.libvirt.push;

import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.DomainXml;
import io.jcap.hypervisor.libvirt.LibvirtConnections;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Defines a persistent domain on a libvirt host that boots an uploaded volume, from the same
 * {@link VmSpec} a run of the image uses: its machine, accelerator, memory, CPUs and random
 * number device. {@code virsh start NAME} then boots it, {@code virsh console NAME} shows its
 * console, and libvirt logs the console to a file on the host as well.
 *
 * <pre>{@code
 * PoolVolume volume = PoolVolumes.upload(uri, image, VolumeTarget.named("hello.qcow2"), events);
 * DefinedDomain d = PersistentDomains.define(uri, "hello", spec, volume, false, events);
 * d.startCommand();   // virsh -c 'qemu:///system' start hello
 * }</pre>
 *
 * <p>The NIC is on the host's libvirt network {@value #DEFAULT_NETWORK} when it has one (active
 * or not: {@code virsh start} says so if it is not), else on QEMU's user network, as with
 * {@code jcap run}. The spec's drives are replaced by the volume, which boots first; a spec that
 * needs files of this machine (a kernel, an initrd, fw_cfg files) cannot be defined elsewhere and
 * is refused.
 */
public final class PersistentDomains {
    /** The libvirt network a defined domain joins when the host has it. */
    public static final String DEFAULT_NETWORK = "default";
    /** Where the system daemon keeps QEMU's logs; the console log goes beside them. */
    static final String LOG_FOLDER = "/var/log/libvirt/qemu/";

    private PersistentDomains() {
    }

    /**
     * Defines domain {@code name} booting {@code volume}. An existing domain of that name is an
     * error unless {@code replace}, which undefines it first (a running one is refused either way).
     */
    public static DefinedDomain define(LibvirtUri uri, String name, VmSpec spec, PoolVolume volume, boolean replace,
            EventSink events) throws JcapException {
        VmSpec boots = onVolume(spec, volume);
        Connect connect = LibvirtConnections.open(uri);
        try {
            Optional<String> network = hasNetwork(connect, DEFAULT_NETWORK) ? Optional.of(DEFAULT_NETWORK)
                    : Optional.empty();
            String consoleLog = LOG_FOLDER + name + "-console.log";
            String xml;
            try {
                xml = DomainXml.persistent(name, boots, consoleLog, network);
            } catch (IllegalArgumentException e) {
                throw new JcapException("cannot define domain '" + name + "' at " + uri + ": " + e.getMessage(), e);
            }
            replaceOrRefuse(connect, uri, name, replace);
            connect.domainDefineXML(xml).free();
            events.info("Defined domain " + name + " at " + uri + " booting volume " + volume + network
                    .map(n -> ", network " + n).orElse(", user network"));
            if (uri.isLocal()) {
                logFolder(java.nio.file.Path.of(LOG_FOLDER), events);
            }
            return new DefinedDomain(uri, name, network, consoleLog);
        } catch (LibvirtException e) {
            throw new JcapException("libvirt at " + uri + " could not define domain '" + name + "': "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /**
     * Whether a domain {@code name} is defined at {@code uri} (what a push with --replace would
     * replace), refusing what {@link #define} would refuse: an existing domain without
     * {@code replace}, a running one always. A push asks before it uploads anything.
     */
    public static boolean checkDefinable(LibvirtUri uri, String name, boolean replace) throws JcapException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            Optional<Domain> found = LibvirtConnections.findDomain(connect, name);
            if (found.isEmpty()) {
                return false;
            }
            try {
                refuse(found.get(), uri, name, replace);
                return true;
            } finally {
                found.get().free();
            }
        } catch (LibvirtException e) {
            throw new JcapException("libvirt at " + uri + " could not look up domain '" + name + "': "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /**
     * The daemon's QEMU log folder, made when missing: QEMU opens the console log there when the
     * domain starts, and a daemon started by hand (not by its package's service) may not have
     * made it yet, so that 'virsh start' failed with "Unable to open file". Only a local daemon's.
     */
    static void logFolder(java.nio.file.Path folder, EventSink events) {
        if (java.nio.file.Files.isDirectory(folder)) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(folder);
        } catch (java.io.IOException e) {
            events.warn("The domain's console log goes to " + folder + ", which does not exist and could not be"
                    + " made (" + e.getMessage() + "): the domain will not start until it exists");
        }
    }

    /** Stops (if running) and undefines domain {@code name}; a missing domain is fine. */
    public static void undefine(LibvirtUri uri, String name) throws JcapException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            LibvirtConnections.destroyAndUndefine(connect, name);
        } catch (LibvirtException e) {
            throw new JcapException("libvirt at " + uri + " could not undefine domain '" + name + "': "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /** The spec with the volume as its one, writable, first-booting disk. */
    static VmSpec onVolume(VmSpec spec, PoolVolume volume) throws JcapException {
        if (spec.kernel().isPresent() || spec.initrd().isPresent() || !spec.firmwareFiles().isEmpty()) {
            throw new JcapException("a domain defined on a libvirt host boots its volume alone, but the spec has a"
                    + " kernel, an initrd or fw_cfg files of this machine: plan the image for a disk boot");
        }
        for (PortForward f : spec.portForwards()) {
            if (f.picksHostPort()) {
                throw new JcapException("a defined domain forwards fixed host ports only, but guest port "
                        + f.guestPort() + " has host port 0: give it a host port, or leave it out");
            }
        }
        VmSpec.Builder b = VmSpec.builder().machine(spec.machine()).accelerator(spec.accelerator())
                .memoryMiB(spec.memoryMiB()).cpus(spec.cpus()).rng(spec.rng()).noReboot(spec.noReboot())
                .extraArgs(spec.extraArgs().toArray(String[]::new))
                .drive(Drive.virtio(Path.of(volume.path()), DiskFormat.QCOW2).withBootIndex(0));
        // A domain without any network would surprise more than a user network it does not use.
        b.userNetwork(spec.portForwards().toArray(PortForward[]::new));
        return b.build();
    }

    private static boolean hasNetwork(Connect connect, String network) throws LibvirtException {
        return List.of(connect.listNetworks()).contains(network) || List.of(connect.listDefinedNetworks())
                .contains(network);
    }

    private static void replaceOrRefuse(Connect connect, LibvirtUri uri, String name, boolean replace)
            throws JcapException, LibvirtException {
        Optional<Domain> existing = LibvirtConnections.findDomain(connect, name);
        if (existing.isEmpty()) {
            return;
        }
        Domain domain = existing.get();
        try {
            refuse(domain, uri, name, replace);
            domain.undefine();
        } finally {
            domain.free();
        }
    }

    /** Refuses to replace an existing domain unless asked to, and a running one always. */
    private static void refuse(Domain domain, LibvirtUri uri, String name, boolean replace)
            throws JcapException, LibvirtException {
        if (!replace) {
            throw new JcapException("a domain named '" + name + "' already exists at " + uri + ": replace it"
                    + " (--replace) or choose another name (--define NAME)");
        }
        if (domain.isActive() == 1) {
            throw new JcapException("domain '" + name + "' at " + uri + " is running: stop it first ('virsh -c "
                    + uri + " shutdown " + name + "') to replace it");
        }
    }
}
