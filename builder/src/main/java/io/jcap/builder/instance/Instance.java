package io.jcap.builder.instance;

import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.streamer.ExitLine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A detached instance: a guest started by {@code jcap run -d} that runs on after jcap exits.
 * Its state lives in {@code <jcap home>/instances/<name>/}: {@code instance.json} (these facts),
 * the console log, the QMP socket, the overlay disk and, once it ended, the status file.
 *
 * <pre>{@code
 * Instance web = new Instances(home, events).get("web");
 * web.status().running();          // true
 * web.portDescriptions();          // [127.0.0.1:18080->8080/tcp]
 * }</pre>
 *
 * @param family the kernel family of the image ({@code linux}, {@code osv}): it says how the console reads
 * @param process the QEMU process, named by pid and start time so that a reused pid is not it (for a
 *     libvirt domain, the QEMU libvirt started for it; libvirt says whether the domain runs); empty
 *     for a domain on a remote host
 * @param files the QMP socket, console log and QEMU's own output (for a domain on a remote host,
 *     this machine's copies of its console and of libvirt's log of its QEMU)
 * @param overlay the instance's disk: a qcow2 overlay over the stored image, or a copy of it when
 *     the run changed what OSv reads from the disk (or, for a libvirt domain, a copy of the image)
 * @param domain the persistent libvirt domain that runs the instance; empty when jcap runs QEMU itself
 * @param exitLine the console line that ends the instance's application, with the run's tag (kept
 *     owner-only in the record: it is what makes the line the init's rather than the application's)
 */
public record Instance(String name, String image, String family, Instant created, Optional<HostProcess> process,
        List<PortForward> ports, int memoryMiB, int cpus, String accelerator, DetachedQemu.GuestFiles files, Path overlay,
        InstanceStatus status, Optional<Domain> domain, ExitLine exitLine) {
    /**
     * The libvirt domain of an instance started with {@code --driver libvirt}.
     *
     * @param uri the daemon that keeps it
     * @param name the domain's name there
     * @param folder the folder of its disk copy and console log on the libvirt host
     */
    public record Domain(LibvirtUri uri, String name, Path folder) {
        public Domain {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(folder, "folder");
        }

        /** Whether the domain runs on another host, whose console jcap copies here over SSH. */
        public boolean remote() {
            return !uri.isLocal();
        }
    }

    /** An instance whose QEMU jcap started itself. */
    public Instance(String name, String image, String family, Instant created, HostProcess process,
            List<PortForward> ports, int memoryMiB, int cpus, String accelerator, DetachedQemu.GuestFiles files,
            Path overlay, InstanceStatus status, ExitLine exitLine) {
        this(name, image, family, created, Optional.of(process), ports, memoryMiB, cpus, accelerator, files, overlay,
                status, Optional.empty(), exitLine);
    }

    public Instance {
        InstanceName.check(name);
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(process, "process");
        ports = List.copyOf(ports);
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(overlay, "overlay");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(exitLine, "exitLine");
    }

    public Instance withStatus(InstanceStatus newStatus) {
        return new Instance(name, image, family, created, process, ports, memoryMiB, cpus, accelerator, files, overlay,
                newStatus, domain, exitLine);
    }

    /**
     * The published ports as {@code jcap ps} shows them: {@code 127.0.0.1:18080->8080/tcp}, followed
     * by {@code  on HOST} for a domain on a remote host, whose ports are that host's.
     */
    public List<String> portDescriptions() {
        String where = remoteHost().map(h -> " on " + h).orElse("");
        return ports.stream().map(p -> PublishedPorts.describe(p) + where).toList();
    }

    /** The host of a domain on a remote host, as its libvirt URI names it. */
    public Optional<String> remoteHost() {
        return domain.filter(Domain::remote).flatMap(d -> d.uri().sshTarget()).map(t -> t.host());
    }

    /** The QEMU process jcap started for the instance (never a libvirt domain): there always is one. */
    public HostProcess qemu() {
        return process.orElseThrow(() -> new IllegalStateException("instance " + name + " has no QEMU process here"));
    }
}
