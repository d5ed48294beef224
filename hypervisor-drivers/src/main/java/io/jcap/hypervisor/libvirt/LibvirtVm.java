package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.ConsoleLog;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.hypervisor.VirtualMachine;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.LifecycleListener;

/**
 * A guest run by libvirt, locally ({@code qemu:///system}) or on a KVM host reached over SSH
 * ({@code qemu+ssh://user@host/system}), from the same {@link VmSpec} as a QEMU guest.
 *
 * <pre>{@code
 * VmSpec spec = VmSpec.builder().drive(Drive.virtio(image, DiskFormat.QCOW2).asSnapshot().withBootIndex(0))
 *         .userNetwork(PortForward.tcp(0, 8080)).build();
 * try (LibvirtVm vm = new LibvirtVm(LibvirtUri.parse("qemu+ssh://jcap@kvm1/system"), spec)) {
 *     vm.start();
 *     vm.awaitLine(Pattern.compile("^JCAP-READY"), Duration.ofSeconds(60));
 *     int port = vm.hostPort(8080);   // on this machine, tunnelled over SSH for a remote host
 * }
 * }</pre>
 *
 * <p>{@link #start()} copies (locally) or uploads (over SFTP) the kernel, initrd and snapshot or
 * read-only disks into a fresh folder on the libvirt host, then creates a transient domain that
 * libvirt destroys when the connection closes. QEMU writes the serial console to a file in that
 * folder, which is followed into the console log, so {@link #awaitLine} works as with QEMU.
 * {@link #close()} presses the power button, waits the stop timeout, destroys the domain and
 * deletes the folder. libvirt gives no QEMU exit code: {@link #awaitExit} returns
 * {@link #POWERED_OFF} when the guest powered off, {@link #STOPPED_OTHERWISE} for anything else.
 */
public final class LibvirtVm implements VirtualMachine {
    /** {@link #awaitExit} after the guest powered itself off. */
    public static final int POWERED_OFF = 0;
    /** {@link #awaitExit} after any other end: QEMU crashed or exited by itself, or the domain was destroyed. */
    public static final int STOPPED_OTHERWISE = 1;
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SSH_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_CONSOLE_LINES = 200;
    /** The parent of domain folders on the libvirt host, followed by the user name. */
    public static final String DEFAULT_HOST_FOLDER_PREFIX = "/var/tmp/jcap-libvirt-";
    static final String HOSTFWD_FAILURE = "Could not set up host forwarding rule";
    static final int START_ATTEMPTS = 5;
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LibvirtUri uri;
    private final VmSpec spec;
    private final String name;
    private Ports.PortSupplier portSupplier;
    private Consumer<String> consoleListener = line -> { };
    private EventSink events = EventSink.NONE;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private Duration sshTimeout = DEFAULT_SSH_TIMEOUT;
    private int consoleLines = DEFAULT_CONSOLE_LINES;
    private String hostFolder;

    private boolean started;
    private boolean closed;
    private volatile Connect connect;
    private volatile HostFiles files;
    private volatile String folder;
    private volatile ConsoleLog console;
    private volatile ConsoleFollower follower;
    private final DomainWatch watch;
    private volatile LifecycleListener listener;
    private volatile List<PortForward> forwards = List.of();

    /** A guest on the local system daemon, {@code qemu:///system}. */
    public LibvirtVm(VmSpec spec) {
        this(LibvirtUri.SYSTEM, spec);
    }

    public LibvirtVm(LibvirtUri uri, VmSpec spec) {
        this.uri = uri;
        this.spec = spec;
        this.name = "jcap-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
        this.watch = new DomainWatch(name, () -> events);
    }

    /** Receives every console line, on the console reader thread. */
    public LibvirtVm withConsoleListener(Consumer<String> listener) {
        requireNotStarted();
        this.consoleListener = listener;
        return this;
    }

    /** Where the VM reports uploads (progress) and how it stops. */
    public LibvirtVm withEvents(EventSink sink) {
        requireNotStarted();
        this.events = sink;
        return this;
    }

    /**
     * Where forwards with host port 0 get their port on the libvirt host: by default a free
     * loopback port here for a local daemon, a random port from 20000 to 32767 for a remote one
     * (retried when taken).
     */
    public LibvirtVm withPortSupplier(Ports.PortSupplier supplier) {
        requireNotStarted();
        this.portSupplier = supplier;
        return this;
    }

    /** How long {@link #close()} gives the guest after the power button; zero destroys at once. */
    public LibvirtVm withStopTimeout(Duration timeout) {
        requireNotStarted();
        this.stopTimeout = timeout;
        return this;
    }

    /** How long connecting and logging in over SSH may take (remote hosts only). */
    public LibvirtVm withSshTimeout(Duration timeout) {
        requireNotStarted();
        this.sshTimeout = timeout;
        return this;
    }

    /** How many console lines are kept for waits and error messages. */
    public LibvirtVm withConsoleLines(int lines) {
        requireNotStarted();
        this.consoleLines = lines;
        return this;
    }

    /**
     * The folder on the libvirt host that holds the domain folders; QEMU's user must be able to
     * enter it. Default: {@value #DEFAULT_HOST_FOLDER_PREFIX} followed by the (SSH) user name.
     */
    public LibvirtVm withHostFolder(String folder) {
        requireNotStarted();
        this.hostFolder = folder;
        return this;
    }

    /** Stages the files and starts the domain; on failure nothing is left running or behind. */
    @Override
    public synchronized void start() throws VmException {
        requireNotStarted();
        started = true;
        LiveDomains.register(this);
        try {
            // SSH first: jcap's own host key check gives the clearer message when the host is unknown.
            files = openFiles();
            connect = LibvirtConnections.open(uri);
            events.debug("Staging the files of libvirt domain " + name + " on " + files.where());
            folder = files.createFolder(name);
            VmSpec placed = Staging.stage(spec, files, folder, !uri.isLocal(), events);
            String consoleFile = files.createEmpty(folder, "console.log");
            console = new ConsoleLog(consoleLines);
            follower = new ConsoleFollower(files, consoleFile, console, consoleListener, watch::checkGone,
                    "jcap-libvirt-console-" + name);
            watch.onEnd(follower::finish);
            follower.start();
            listener = watch::onLifecycle;
            connect.addLifecycleListener(listener);
            List<PortForward> chosen = createDomain(placed, consoleFile);
            forwards = Forwarding.reach(spec.portForwards(), chosen, files, uri.isLocal());
        } catch (JcapException e) {
            close();
            throw e instanceof VmException v ? v
                    : new VmException(e.getMessage(), OptionalInt.empty(), consoleTail(), e);
        } catch (LibvirtException e) {
            close();
            throw new VmException("libvirt failed while starting domain " + name + ": "
                    + LibvirtConnections.message(e), OptionalInt.empty(), consoleTail(), e);
        }
    }

    @Override
    public boolean isAlive() {
        return watch.isRunning();
    }

    @Override
    public String awaitLine(String description, Predicate<String> matcher, Duration timeout) throws VmException {
        ConsoleLog log = requireStarted();
        Optional<String> found = log.awaitNext(description, matcher, timeout);
        if (found.isPresent()) {
            return found.get();
        }
        Optional<DomainEnd> ended = watch.ended();
        if (ended.isPresent()) {
            throw new VmException("libvirt domain " + name + " ended (" + ended.get().description()
                    + ") before the console showed " + description, OptionalInt.of(ended.get().status()), log.tail());
        }
        watch.destroy();
        if (log.ended() && follower.readError() != null) {
            throw new VmException("cannot follow the console of libvirt domain " + name + ": " + follower.readError()
                    + "; the domain was destroyed", OptionalInt.empty(), log.tail());
        }
        throw new VmException("the console did not show " + description + " within " + Durations.human(timeout)
                + "; the domain was destroyed", OptionalInt.empty(), log.tail());
    }

    @Override
    public int awaitExit(Duration timeout) throws VmException {
        ConsoleLog log = requireStarted();
        try {
            if (watch.waitEnded(timeout)) {
                follower.join(KILL_WAIT);
                return watch.ended().orElseThrow().status();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while waiting for libvirt domain " + name + " to end",
                    OptionalInt.empty(), log.tail(), e);
        }
        watch.destroy();
        throw new VmException("libvirt domain " + name + " did not end within " + Durations.human(timeout)
                + "; it was destroyed", OptionalInt.empty(), log.tail());
    }

    @Override
    public List<String> consoleTail() {
        ConsoleLog log = console;
        return log == null ? List.of() : log.tail();
    }

    /** The domain's name on the libvirt host: "jcap-" and 8 random hex digits. */
    public String domainName() {
        return name;
    }

    public LibvirtUri uri() {
        return uri;
    }

    /** The forwards in effect, with the host ports as this machine reaches them (tunnels for a remote host). */
    public List<PortForward> forwards() {
        return forwards;
    }

    /** The port on this machine forwarded to TCP {@code guestPort}. */
    public int hostPort(int guestPort) {
        return forwards.stream().filter(f -> f.guestPort() == guestPort && f.protocol() == PortForward.Protocol.TCP)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no TCP forward to guest port " + guestPort))
                .hostPort();
    }

    /** How the domain ended, once it did. */
    public Optional<String> endDescription() {
        return watch.ended().map(DomainEnd::description);
    }

    /** The domain's folder on the libvirt host, once started. */
    String domainFolder() {
        return folder;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (watch.attached() && watch.ended().isEmpty()) {
                stop();
            }
        } finally {
            release();
        }
    }

    /** Called by the shutdown hook: destroy and delete, no waiting for the guest. */
    void killForShutdown() {
        watch.destroy();
        HostFiles f = files;
        if (f != null && folder != null) {
            try {
                f.deleteFolder(folder);
            } catch (JcapException e) {
                // The JVM is going away; there is nobody left to tell.
            }
        }
    }

    private HostFiles openFiles() throws JcapException {
        Optional<SshTarget> ssh = uri.sshTarget();
        if (uri.isLocal()) {
            String root = hostFolder != null ? hostFolder : DEFAULT_HOST_FOLDER_PREFIX + System.getProperty("user.name");
            return new LocalHostFiles(Path.of(root));
        }
        if (ssh.isEmpty()) {
            throw new JcapException("jcap copies images to a remote libvirt host over SSH, which " + uri
                    + " does not use: connect with qemu+ssh://user@host/system");
        }
        SshSession session = SshSession.open(ssh.get(), sshTimeout);
        return new RemoteHostFiles(session, hostFolder != null ? hostFolder
                : DEFAULT_HOST_FOLDER_PREFIX + ssh.get().user());
    }

    /** Creates the domain, with new host ports while a picked one turns out to be taken. */
    private List<PortForward> createDomain(VmSpec placed, String consoleFile) throws JcapException {
        List<PortForward> onHost = Forwarding.onHost(spec.portForwards(), uri.isLocal());
        boolean picksPorts = onHost.stream().anyMatch(PortForward::picksHostPort);
        for (int attempt = 1; ; attempt++) {
            List<PortForward> chosen = Forwarding.choose(onHost,
                    portSupplier != null ? portSupplier : Forwarding.defaultSupplier(uri.isLocal()));
            String xml = DomainXml.of(name, placed, consoleFile, chosen);
            try {
                watch.attach(connect.domainCreateXML(xml, Domain.CreateFlags.AUTODESTROY));
                return chosen;
            } catch (LibvirtException e) {
                String message = LibvirtConnections.message(e);
                if (picksPorts && attempt < START_ATTEMPTS && message.contains(HOSTFWD_FAILURE)) {
                    events.debug("A forwarded host port was taken; starting domain " + name + " again with another"
                            + " (attempt " + (attempt + 1) + " of " + START_ATTEMPTS + ")");
                    continue;
                }
                throw new VmException("libvirt could not start domain " + name + " on " + files.where() + ": " + message,
                        OptionalInt.empty(), consoleTail(), e);
            }
        }
    }

    /** Power button, then destroy, each only if the previous step did not end the domain. */
    private void stop() {
        try {
            if (!stopTimeout.isZero()) {
                watch.pressPowerButton();
                if (watch.waitEnded(stopTimeout)) {
                    return;
                }
                events.debug("The guest did not power off within " + Durations.human(stopTimeout)
                        + "; destroying libvirt domain " + name);
            }
            watch.destroy();
            if (!watch.waitEnded(KILL_WAIT)) {
                events.warn("libvirt domain " + name + " still runs after destroy; remove it with 'virsh -c " + uri
                        + " destroy " + name + "'");
            }
        } catch (InterruptedException e) {
            watch.destroy();
            Thread.currentThread().interrupt();
        }
    }

    /** Everything after the domain ended: console reader, listener, folder, SSH session, connection. */
    private void release() {
        ConsoleFollower f = follower;
        if (f != null) {
            f.finish();
            f.join(KILL_WAIT);
        }
        Connect c = connect;
        if (c != null && listener != null) {
            try {
                c.removeLifecycleListener(listener);
            } catch (LibvirtException e) {
                events.debug("Removing the event listener of domain " + name + ": " + LibvirtConnections.message(e));
            }
        }
        if (c != null) {
            watch.undefineIfPersistent(c);
        }
        HostFiles h = files;
        if (h != null) {
            if (folder != null) {
                try {
                    h.deleteFolder(folder);
                } catch (JcapException e) {
                    events.warn(e.getMessage());
                }
            }
            h.close();
        }
        if (c != null) {
            try {
                c.close();
            } catch (LibvirtException e) {
                events.debug("Closing the libvirt connection: " + LibvirtConnections.message(e));
            }
        }
        LiveDomains.unregister(this);
    }

    private ConsoleLog requireStarted() {
        ConsoleLog log = console;
        if (log == null || !watch.attached()) {
            throw new IllegalStateException("the VM has not been started");
        }
        return log;
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("the VM was already started");
        }
    }
}
