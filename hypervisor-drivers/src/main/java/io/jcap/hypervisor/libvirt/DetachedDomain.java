package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.GuestLifecycle;
import io.jcap.hypervisor.HelperJvm;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * A guest that runs on after jcap exits, as a persistent domain of this machine's libvirt daemon
 * ({@code jcap run -d --driver libvirt}): defined, not transient, so libvirt keeps it when jcap's
 * connection closes, and {@code virsh list --all} shows it until it is removed.
 *
 * <pre>{@code
 * DetachedDomain.Started s = DetachedDomain.start(LibvirtUri.SYSTEM, "jcap-web-1a2b3c4d", spec, events);
 * DetachedDomain.isRunning(LibvirtUri.SYSTEM, s.domain());            // true
 * DetachedDomain.stop(LibvirtUri.SYSTEM, s.domain(), Duration.ofSeconds(10));
 * DetachedDomain.remove(LibvirtUri.SYSTEM, s.domain(), s.folder());   // undefined, its files deleted
 * }</pre>
 *
 * <p>The spec's files are copied into a folder of the domain's own under
 * {@value LibvirtVm#DEFAULT_HOST_FOLDER_PREFIX}USER, as for a foreground run, and its serial
 * console writes to {@code console.log} there, which jcap reads for {@code jcap logs}: in place on
 * this machine, through a {@link RemoteConsole} copy for a host reached over SSH. A remote domain's
 * published ports are that host's: nothing of it needs jcap to keep running.
 */
public final class DetachedDomain {
    private static final Duration POLL = Duration.ofMillis(100);
    /** Where the system daemon writes each domain's QEMU log. */
    static final Path QEMU_LOGS = Path.of("/var/log/libvirt/qemu");

    private DetachedDomain() {
    }

    /**
     * A started detached domain.
     *
     * @param domain its name in libvirt
     * @param folder its files on the libvirt host: the disk copy, settings, the console log
     * @param consoleLog the serial console's file there
     * @param disk the disk it boots there
     * @param forwards its forwards, every host port chosen
     * @param qemu the QEMU process libvirt started for it, when libvirt's pid file could be read (a
     *     local daemon's only)
     */
    public record Started(String domain, Path folder, Path consoleLog, Path disk, List<PortForward> forwards,
            Optional<HostProcess> qemu) {
        public Started {
            Objects.requireNonNull(domain, "domain");
            forwards = List.copyOf(forwards);
        }
    }

    /** Why a libvirt host reached without SSH cannot keep a detached domain for jcap. */
    public static final String NEEDS_SSH = "detached instances on a remote libvirt host need jcap to reach it over SSH"
            + " (qemu+ssh://user@host/system), which copies their files there and reads their console for jcap logs";

    /** How many sets of host ports a domain tries when one jcap picked is taken by the time it starts. */
    static final int PORT_ATTEMPTS = 5;

    /**
     * Copies the spec's files to the libvirt host (a copy here, or an SFTP upload to a host reached
     * over SSH), defines domain {@code name} and starts it; nothing stays behind on failure. On a
     * remote host the forwards bind there, where their address says (127.0.0.1 unless asked).
     * Forwards without a host port get one that was free here a moment ago, or a random one on a
     * remote host; the start is retried with others when one is taken by then.
     */
    public static Started start(LibvirtUri uri, String name, VmSpec spec, EventSink events) throws JcapException {
        return start(uri, name, spec, Forwarding.defaultSupplier(uri.isLocal()), () -> { }, events);
    }

    /**
     * {@link #start(LibvirtUri, String, VmSpec, EventSink)} with the host ports it picks from
     * {@code ports}, running {@code beforeResume} once the domain started paused and its QEMU was
     * looked for.
     */
    static Started start(LibvirtUri uri, String name, VmSpec spec, Ports.PortSupplier ports, Runnable beforeResume,
            EventSink events) throws JcapException {
        DomainXml.tcgThreadsWarning(spec).ifPresent(events::warn);
        HostFiles files = HostFiles.open(uri, null, LibvirtVm.DEFAULT_SSH_TIMEOUT);
        String folder = null;
        Connect connect = null;
        boolean defined = false;
        try {
            folder = files.createFolder(name);
            connect = LibvirtConnections.open(uri);
            DomainSweep.sweep(files, connect, DomainSweep.QUIET, events);
            VmSpec placed = Staging.stage(spec, files, folder, !uri.isLocal(), events);
            String console = files.createEmpty(folder, CONSOLE_LOG);
            for (int attempt = 1; ; attempt++) {
                List<PortForward> forwards = Ports.assign(spec.portForwards(), ports);
                Domain domain = connect.domainDefineXML(DomainXml.of(name, placed, console, forwards));
                defined = true;
                try {
                    // Paused until its QEMU is known: a guest that powers off at once would take
                    // the pid file with it (libvirt deletes it as QEMU ends).
                    domain.create(Domain.CreateFlags.PAUSED);
                } catch (LibvirtException e) {
                    String said = QemuLog.explain(LibvirtConnections.message(e), files,
                            RemoteConsole.qemuLogOf(name), name, events::debug);
                    if (!said.contains(GuestLifecycle.HOSTFWD_FAILURE)) {
                        throw new JcapException("libvirt could not start domain " + name + " on " + files.where()
                                + ": " + said, e);
                    }
                    boolean picked = spec.portForwards().stream().anyMatch(PortForward::picksHostPort);
                    if (!picked || attempt == PORT_ATTEMPTS) {
                        throw new JcapException("libvirt could not start domain " + name + " on " + files.where()
                                + ": a host port it publishes is in use there (" + said
                                + "): pick another with -p HOST:GUEST", e);
                    }
                    // A port jcap picked (free here a moment ago, or at random on a remote host) was taken.
                    domain.undefine();
                    defined = false;
                    domain.free();
                    continue;
                }
                Optional<HostProcess> qemu = uri.isLocal() ? qemuOf(name) : Optional.empty();
                beforeResume.run();
                domain.resume();
                domain.free();
                return new Started(name, Path.of(folder), Path.of(console), placed.drives().get(0).file(), forwards,
                        qemu);
            }
        } catch (JcapException | RuntimeException e) {
            undo(connect, name, defined, files, folder);
            throw e;
        } catch (LibvirtException e) {
            undo(connect, name, defined, files, folder);
            throw new JcapException("libvirt could not start domain " + name + ": " + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
            files.close();
        }
    }

    /** Where {@link #start} puts the files of domain {@code name} on {@code uri}'s host. */
    public static Path folderOf(LibvirtUri uri, String name) {
        return Path.of(HostFiles.defaultRoot(uri)).resolve(name);
    }

    /**
     * Removes domain {@code name} and its folder for jcap's shutdown hook, when a Ctrl-C comes
     * before the domain is recorded as an instance. {@link #start} may be defining or starting it
     * in another thread as the hook runs, so this waits for {@code startReturned} first (at most
     * {@code within}): removed before that, the domain could still be defined after. Never throws.
     */
    public static void abandon(LibvirtUri uri, String name, CountDownLatch startReturned, Duration within) {
        try {
            startReturned.await(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            remove(uri, name, folderOf(uri, name));
        } catch (JcapException e) {
            // The hook has no one left to tell; virsh list --all names the domain.
        }
    }

    /** The serial console's file in a domain's folder. */
    static final String CONSOLE_LOG = "console.log";
    /** Where a domain's console watcher says why it stopped QEMU, in the domain's folder. */
    public static final String WATCH_LOG = "watch.log";
    /** How long removing a domain waits for its console watcher to end after its QEMU. */
    private static final Duration WATCHER_END = Duration.ofSeconds(5);

    /**
     * Starts the {@link ConsoleWatcher} of a started domain: the guest's watchdog once its
     * application has ended, which stops the domain's QEMU when the guest does not power off
     * within {@code watch}'s grace after the end line (a detached QEMU guest's console keeper
     * does the same). Needs the domain's QEMU process (the system daemon's pid file).
     */
    public static void watchEnd(Started started, GuestEndWatch watch) throws VmException {
        HostProcess qemu = started.qemu().orElseThrow(() -> new VmException("no QEMU process known for domain "
                + started.domain() + " to watch", OptionalInt.empty(), List.of()));
        List<String> command = new ArrayList<>(HelperJvm.command(ConsoleWatcher.class));
        command.addAll(List.of(started.consoleLog().toString(), Long.toString(qemu.pid()), started.domain(),
                Long.toString(watch.grace().toMillis())));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(started.folder().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(started.folder().resolve(WATCH_LOG).toFile()));
            watch.pass(builder);
            builder.start();
        } catch (IOException e) {
            throw new VmException("cannot start the console watcher of domain " + started.domain() + ": "
                    + e.getMessage(), OptionalInt.empty(), List.of(), e);
        }
    }

    /** Whether domain {@code name} is defined (running or not). */
    public static boolean exists(LibvirtUri uri, String name) throws JcapException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            return LibvirtConnections.findDomain(connect, name).isPresent();
        } catch (LibvirtException e) {
            throw new JcapException("libvirt could not tell whether domain " + name + " exists: "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /** Whether domain {@code name} runs; a domain that is gone does not. */
    public static boolean isRunning(LibvirtUri uri, String name) throws JcapException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            Optional<Domain> domain = LibvirtConnections.findDomain(connect, name);
            return domain.isPresent() && domain.get().isActive() == 1;
        } catch (LibvirtException e) {
            throw new JcapException("libvirt could not tell whether domain " + name + " runs: "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /**
     * The names of the domains that run on {@code uri}'s host, asked on one connection: what
     * {@link #isRunning} tells of each, for many domains of one host at once ({@code jcap ps}).
     */
    public static Set<String> runningNames(LibvirtUri uri) throws JcapException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            return new HashSet<>(LibvirtConnections.readRunning(connect, Domain::getName));
        } catch (LibvirtException e) {
            throw new JcapException("libvirt could not list the running domains at " + uri + ": "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /**
     * Presses the power button, waits up to {@code timeout} for the guest to power off, then
     * destroys the domain; it stays defined. Returns whether the guest powered off by itself.
     */
    public static boolean stop(LibvirtUri uri, String name, Duration timeout)
            throws JcapException, InterruptedException {
        return stop(uri, name, timeout, () -> { });
    }

    /**
     * {@link #stop(LibvirtUri, String, Duration)}, running {@code stopping} once the domain was
     * found running and before anything is done to it: a host that cannot be reached, or a domain
     * that ended already, does not run it.
     */
    public static boolean stop(LibvirtUri uri, String name, Duration timeout, Runnable stopping)
            throws JcapException, InterruptedException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            Optional<Domain> domain = LibvirtConnections.findDomain(connect, name);
            if (domain.isEmpty() || domain.get().isActive() != 1) {
                return true;
            }
            Domain d = domain.get();
            stopping.run();
            if (!timeout.isZero()) {
                d.shutdown();
                long deadline = System.nanoTime() + timeout.toNanos();
                while (d.isActive() == 1 && System.nanoTime() - deadline < 0) {
                    Thread.sleep(POLL.toMillis());
                }
                if (d.isActive() != 1) {
                    return true;
                }
            }
            d.destroy();
            return false;
        } catch (LibvirtException e) {
            throw new JcapException("libvirt could not stop domain " + name + ": " + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /**
     * Destroys domain {@code name} if it runs, undefines it and deletes {@code folder} and, when
     * allowed, libvirt's QEMU log of it; what is gone already is fine.
     */
    public static void remove(LibvirtUri uri, String name, Path folder) throws JcapException {
        // The folder comes from an instance's record: only a folder named after the domain is deleted.
        if (!name.startsWith("jcap-") || folder.getFileName() == null || !folder.getFileName().toString().equals(name)
                || folder.getParent() == null) {
            throw new JcapException("refusing to remove libvirt domain " + name + " and " + folder + ": jcap keeps a"
                    + " domain's files in a folder named after the domain, whose name starts with jcap-");
        }
        Connect connect = LibvirtConnections.open(uri);
        try {
            LibvirtConnections.destroyAndUndefine(connect, name);
        } catch (LibvirtException e) {
            throw new JcapException("libvirt could not remove domain " + name + ": " + LibvirtConnections.message(e)
                    + "; remove it with 'virsh -c " + uri + " undefine " + name + "'", e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
        if (!uri.isLocal()) {
            try (HostFiles files = HostFiles.open(uri, folder.getParent().toString(), LibvirtVm.DEFAULT_SSH_TIMEOUT)) {
                files.deleteFolder(folder.toString());
                deleteQemuLog(files, name);
            }
            return;
        }
        // The domain's console watcher ends with its QEMU; it writes into the folder when it stops one.
        try {
            HelperJvm.awaitEnd(ConsoleWatcher.class, folder.resolve(CONSOLE_LOG).toString(), WATCHER_END, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        new LocalHostFiles(folder.getParent(), uri).deleteFolder(folder.toString());
        deleteQemuLog(name);
    }

    /** The QEMU process of a running domain of the system daemon, from libvirt's pid file. */
    private static Optional<HostProcess> qemuOf(String name) {
        try {
            Path pidFile = Path.of("/run/libvirt/qemu", name + ".pid");
            return HostProcess.of(Long.parseLong(Files.readString(pidFile).strip()));
        } catch (IOException | NumberFormatException | SecurityException e) {
            // Only ps --json shows it; the domain's state comes from libvirt.
            return Optional.empty();
        }
    }

    private static void undo(Connect connect, String name, boolean defined, HostFiles files, String folder) {
        if (defined) {
            try {
                LibvirtConnections.destroyAndUndefine(connect, name);
            } catch (LibvirtException e) {
                // Reported by the caller's exception; a leftover is named by virsh list --all.
            }
        }
        if (folder != null) {
            try {
                files.deleteFolder(folder);
            } catch (JcapException e) {
                // As above.
            }
        }
        deleteQemuLog(files, name);
    }

    /** Deletes libvirt's QEMU log of domain {@code name} on the host of {@code files}, when allowed. */
    private static void deleteQemuLog(HostFiles files, String name) {
        if (files instanceof RemoteHostFiles remote) {
            remote.deleteFile(RemoteConsole.qemuLogOf(name));
        } else {
            deleteQemuLog(name);
        }
    }

    /** libvirt's own log of the domain's QEMU, of no use once the domain is gone; only root may delete it. */
    private static void deleteQemuLog(String name) {
        try {
            Files.deleteIfExists(QEMU_LOGS.resolve(name + ".log"));
        } catch (IOException | SecurityException e) {
            // Left for libvirt's log rotation.
        }
    }
}
