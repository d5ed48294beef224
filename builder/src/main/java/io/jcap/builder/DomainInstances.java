package io.jcap.builder;

import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.Instance;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.builder.instance.InstanceStore;
import io.jcap.host.Cleanup;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.libvirt.DetachedDomain;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.FailureReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * The libvirt half of {@link Instances#start}: a detached instance as a persistent libvirt domain
 * ({@code jcap run -d --driver libvirt}), started under the instances' lock {@link Instances} holds.
 */
final class DomainInstances {
    /** Made on first use (a libvirt domain's name): seeding costs every run some milliseconds otherwise. */
    private static final class Random {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    /** The file in an instance's folder that names its domain, written before the domain is defined. */
    static final String INTENT = "libvirt-domain";

    private DomainInstances() {
    }

    /** A domain an instance's folder names: its connection and name. */
    record Intent(LibvirtUri uri, String domain) {
    }

    private static void writeIntent(Path folder, LibvirtUri uri, String domain) throws JcapException {
        try {
            Files.writeString(folder.resolve(INTENT), uri + "\n" + domain + "\n");
        } catch (IOException e) {
            throw new JcapException("cannot write " + folder.resolve(INTENT) + ": " + FailureReason.withFile(e), e);
        }
    }

    /**
     * The domain an instance's folder names, when a {@code jcap run -d --driver libvirt} wrote one:
     * what {@code jcap rm -f} removes of an instance that has no record.
     */
    static Optional<Intent> intent(Path folder) {
        try {
            List<String> lines = Files.readAllLines(folder.resolve(INTENT));
            if (lines.size() == 2 && DOMAIN.matcher(lines.get(1)).matches()) {
                return Optional.of(new Intent(LibvirtUri.parse(lines.get(0)), lines.get(1)));
            }
        } catch (IOException | IllegalArgumentException e) {
            // No intent (a QEMU instance), or not one jcap wrote: nothing to remove by it.
        }
        return Optional.empty();
    }

    /** An {@code ssh -L} command that makes {@code port} of a remote host's instance a port of this machine. */
    static String tunnel(LibvirtUri uri, PortForward port) {
        String address = port.hostAddress().equals("0.0.0.0") ? "127.0.0.1" : port.hostAddress();
        return uri.sshTarget().orElseThrow().sshCommand("-N -L " + port.hostPort() + ":" + address + ":"
                + port.hostPort());
    }

    /** The domain names {@link #start} gives: {@code jcap-NAME-} and 8 hex digits. */
    private static final Pattern DOMAIN = Pattern.compile("jcap-[a-z0-9][a-z0-9_.-]*-[0-9a-f]{8}");

    /**
     * Starts a detached instance as a persistent libvirt domain: the stored image copied for it,
     * its settings in the instance's folder, its console in the domain's folder.
     */
    static Instance start(LibvirtUri uri, String name, RunPlan plan, KernelFamily family, InstanceStore store,
            EventSink events) throws JcapException, InterruptedException {
        Path folder = store.folder(name);
        String domain = "jcap-" + name + "-" + HexFormat.of().toHexDigits(Random.RANDOM.nextInt());
        DetachedDomain.Started started = null;
        // Until the record is written, a Ctrl-C removes the domain (libvirt keeps a persistent one
        // when jcap ends), once DetachedDomain.start has returned; the hook deletes the folder after.
        CountDownLatch startReturned = new CountDownLatch(1);
        Cleanup.Registration unrecorded = Cleanup.register("remove libvirt domain " + domain + " (not recorded yet)",
                () -> DetachedDomain.abandon(uri, domain, startReturned, Instances.START_TIMEOUT));
        try {
            // Before the domain exists: a jcap killed (SIGKILL) before the record leaves this for
            // jcap rm -f to find the domain by (its name has a random part).
            writeIntent(folder, uri, domain);
            try {
                started = DetachedDomain.start(uri, domain, plan.materializeSnapshot(folder), events);
            } finally {
                startReturned.countDown();
            }
            boolean remote = !uri.isLocal();
            // A remote domain's console and libvirt's log of its QEMU are read from copies here.
            DetachedQemu.GuestFiles files = new DetachedQemu.GuestFiles(folder.resolve("qmp"),
                    remote ? folder.resolve("console.log") : started.consoleLog(),
                    Path.of("/run/libvirt/qemu", domain + ".pid"),
                    remote ? folder.resolve("qemu.log") : Path.of("/var/log/libvirt/qemu", domain + ".log"));
            Optional<HostProcess> qemu = started.qemu();
            if (!remote && qemu.isEmpty()) {
                throw new EnvironmentException("libvirt started domain " + domain + " but its QEMU process is not in"
                        + " /run/libvirt/qemu/" + domain + ".pid");
            }
            Instance instance = new Instance(name, plan.image().metadata().name(), family.name(), Instant.now(), qemu,
                    started.forwards(), plan.memoryMiB(), plan.cpus(), plan.accelerator().qemuName(), files,
                    started.disk(), InstanceStatus.RUNNING, Optional.of(new Instance.Domain(uri, domain,
                            started.folder())), plan.exitLine());
            Instances.record(store, instance, unrecorded);
            Optional<Pattern> endLine = family.instanceConsole(plan.exitLine()).applicationEndLine();
            if (endLine.isPresent() && remote) {
                // The watch is a process beside the domain's QEMU; jcap runs none on the remote host.
                events.debug("No watch for a guest that does not power off after its application ended on "
                        + uri + ": jcap stop " + name + " stops it");
            } else if (endLine.isPresent()) {
                try {
                    DetachedDomain.watchEnd(started, new GuestEndWatch(endLine.get(), Instances.POWER_OFF_GRACE));
                } catch (VmException e) {
                    events.warn(e.getMessage() + ": should the guest not power off once its application ended, stop it"
                            + " with jcap stop " + name);
                }
            }
            events.info("Started instance " + name + " of " + instance.image() + " (" + plan.description()
                    + ", libvirt domain " + domain + " at " + uri + ")"
                    + (instance.ports().isEmpty() ? "" : ": " + String.join(", ", instance.portDescriptions())));
            if (remote && !instance.ports().isEmpty()) {
                events.info("Its ports are on " + instance.remoteHost().orElseThrow() + "; reach one from here with "
                        + tunnel(uri, instance.ports().get(0)));
            }
            return instance;
        } catch (JcapException | RuntimeException e) {
            if (started != null) {
                try {
                    DetachedDomain.remove(uri, domain, started.folder());
                } catch (JcapException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            TempFiles.delete(folder);
            throw e;
        } finally {
            unrecorded.close();
        }
    }
}
