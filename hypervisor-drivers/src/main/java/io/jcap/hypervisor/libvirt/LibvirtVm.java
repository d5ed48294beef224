package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.ConsoleLog;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.GuestLifecycle;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.JcapException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
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
 * read-only disks into a fresh folder on the libvirt host, then defines a domain and starts it
 * for as long as the connection lasts (libvirt destroys it when the connection closes). The
 * domain is persistent, undefined once its console stream is closed: libvirtd (9.0 here, and
 * upstream's code since) deadlocks when a transient domain's object is freed as it stops while
 * its console stream closes (virChrdevFree and the stream's close callback take the same two
 * locks in opposite orders), which hung libvirtd once in a CI run. A run killed with SIGKILL
 * leaves a stopped definition, which the next run's sweep undefines ({@link DomainSweep}).
 * The serial console is read as a libvirt stream
 * into the console log ({@link LibvirtConsole}), so {@link #awaitLine} works as with QEMU.
 * {@link #close()} presses the power button, waits the stop timeout, destroys and undefines the
 * domain and deletes the folder. libvirt gives no QEMU exit code: {@link #awaitExit} returns
 * {@link #POWERED_OFF} when the guest powered off, {@link #STOPPED_OTHERWISE} for anything else.
 */
public final class LibvirtVm extends GuestLifecycle<LibvirtVm> {
    /** {@link #awaitExit} after the guest powered itself off. */
    public static final int POWERED_OFF = 0;
    /** {@link #awaitExit} after any other end: QEMU crashed or exited by itself, or the domain was destroyed. */
    public static final int STOPPED_OTHERWISE = 1;
    public static final Duration DEFAULT_SSH_TIMEOUT = Duration.ofSeconds(30);
    /** The parent of domain folders on the libvirt host, followed by the user name. */
    public static final String DEFAULT_HOST_FOLDER_PREFIX = "/var/tmp/jcap-libvirt-";
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** The names of the domains {@link LibvirtVm} defines: {@code jcap-} and 8 hex digits. */
    static final Pattern RUN_DOMAIN = Pattern.compile("jcap-[0-9a-f]{8}");
    /** How long jcap's shutdown waits for libvirtd to close the console stream of a destroyed domain. */
    private static final Duration SHUTDOWN_CONSOLE_WAIT = Duration.ofSeconds(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LibvirtUri uri;
    private final String name;
    private Duration sshTimeout = DEFAULT_SSH_TIMEOUT;
    private String hostFolder;

    private volatile Connect connect;
    private volatile HostFiles files;
    private volatile String folder;
    private volatile ConsoleLog console;
    /** The console as a stream: its output read into {@link #console}, and with {@link #withConsoleInput()} its input. */
    private volatile LibvirtConsole reader;
    private final DomainWatch watch;
    private volatile LifecycleListener listener;

    /** A guest on the local system daemon, {@code qemu:///system}. */
    public LibvirtVm(VmSpec spec) {
        this(LibvirtUri.SYSTEM, spec);
    }

    public LibvirtVm(LibvirtUri uri, VmSpec spec) {
        this(uri, spec, "jcap-" + HexFormat.of().toHexDigits(RANDOM.nextInt()));
    }

    private LibvirtVm(LibvirtUri uri, VmSpec spec, String name) {
        super(spec, new Names("libvirt domain " + name, "end", "destroyed", "destroying"));
        this.uri = uri;
        this.name = name;
        this.watch = new DomainWatch(name, this::events);
    }

    /** How long connecting and logging in over SSH may take (remote hosts only). */
    public LibvirtVm withSshTimeout(Duration timeout) {
        requireNotStarted();
        this.sshTimeout = timeout;
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

    /**
     * Stages the files and starts the domain. Forwards with host port 0 get a free loopback port
     * here for a local daemon, a random port from 20000 to 32767 for a remote one (retried when
     * taken), unless {@link #withPortSupplier} says otherwise.
     */
    @Override
    protected void launch() throws VmException {
        registerForShutdown();
        DomainXml.tcgThreadsWarning(spec()).ifPresent(events()::warn);
        try {
            // SSH first: jcap's own host key check gives the clearer message when the host is unknown.
            files = openFiles();
            connect = LibvirtConnections.open(uri);
            DomainSweep.sweep(files, connect, DomainSweep.QUIET, events());
            events().debug("Staging the files of libvirt domain " + name + " on " + files.where());
            folder = files.createFolder(name);
            VmSpec placed = Staging.stage(spec(), files, folder, !uri.isLocal(), events());
            console = new ConsoleLog(consoleLines());
            // The console's log, made here so that jcap may read it (virtlogd keeps a file's owner).
            String consoleLog = files.createEmpty(folder, "console.log");
            listener = watch::onLifecycle;
            connect.addLifecycleListener(listener);
            List<PortForward> chosen = createDomain(placed, consoleLog);
            // Created paused: it runs once its console is open, so that no line is lost.
            reader = LibvirtConsole.open(connect, watch.domain(), name, console, consoleListener(), files, consoleLog,
                    note -> events().debug("Console of libvirt domain " + name + ": " + note));
            watch.domain().resume();
            forwards(Forwarding.reach(spec().portForwards(), chosen, files, uri.isLocal()));
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

    /** The domain's name on the libvirt host: "jcap-" and 8 random hex digits. */
    public String domainName() {
        return name;
    }

    public LibvirtUri uri() {
        return uri;
    }

    /** How the domain ended, once it did. */
    public Optional<String> endDescription() {
        return watch.ended().map(DomainEnd::description);
    }

    @Override
    public Optional<String> endedOtherwise() {
        return watch.ended().filter(end -> end.status() != POWERED_OFF).map(end -> end.description() + " (libvirt)");
    }

    /** The domain's folder on the libvirt host, once started. */
    String domainFolder() {
        return folder;
    }

    /**
     * Destroys, undefines and deletes, no waiting for the guest; libvirtd's end of the console
     * stream gets a moment to close first ({@link #undefineAfterConsole}).
     */
    @Override
    protected void killForShutdown() {
        watch.destroy();
        undefineAfterConsole(SHUTDOWN_CONSOLE_WAIT);
        HostFiles f = files;
        if (f != null && folder != null) {
            try {
                f.deleteFolder(folder);
            } catch (JcapException e) {
                // The JVM is going away; there is nobody left to tell.
            }
        }
    }

    @Override
    protected boolean hostPortTaken(VmException failure) {
        // The message, which holds QEMU's own words from its log when libvirt's lacked them.
        return failure.getCause() instanceof LibvirtException && failure.getMessage().contains(HOSTFWD_FAILURE);
    }

    @Override
    protected ConsoleLog console() {
        return console;
    }

    @Override
    protected boolean launched() {
        return watch.attached();
    }

    @Override
    protected boolean running() {
        return watch.attached() && watch.ended().isEmpty();
    }

    @Override
    protected boolean waitEnded(Duration timeout) throws InterruptedException {
        return watch.waitEnded(timeout);
    }

    @Override
    protected int endStatus() {
        reader.join(KILL_WAIT);
        return watch.ended().orElseThrow().status();
    }

    @Override
    protected VmException lineMissing(String description, Duration timeout, ConsoleLog log) {
        Optional<DomainEnd> ended = watch.ended();
        if (ended.isEmpty() && log.ended()) {
            // The console's stream ends with QEMU, a moment before libvirt tells how the domain ended.
            try {
                watch.waitEnded(KILL_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ended = watch.ended();
        }
        if (ended.isPresent()) {
            return new VmException("libvirt domain " + name + " ended (" + ended.get().description()
                    + ") before the console showed " + description, OptionalInt.of(ended.get().status()), log.tail());
        }
        watch.destroy();
        if (log.ended() && reader.readError() != null) {
            return new VmException("cannot follow the console of libvirt domain " + name + ": " + reader.readError()
                    + "; the domain was destroyed", OptionalInt.empty(), log.tail());
        }
        return new VmException("the console did not show " + description + " within " + Durations.human(timeout)
                + "; the domain was destroyed", OptionalInt.empty(), log.tail());
    }

    @Override
    protected boolean pressPowerButton() {
        watch.pressPowerButton();
        return true;
    }

    @Override
    protected void stopHarder() throws InterruptedException {
        watch.destroy();
        if (!watch.waitEnded(KILL_WAIT)) {
            events().warn("libvirt domain " + name + " still runs after destroy; remove it with 'virsh -c " + uri
                    + " destroy " + name + "'");
        }
    }

    @Override
    protected void forceStop() {
        watch.destroy();
    }

    /**
     * Undefines the stopped domain once its console stream is closed: the reader's end means
     * libvirtd closed its end (on the pseudo-terminal's hang-up), and closing it here closes the
     * rest. Undefining frees the domain's character devices, which must not meet that close.
     */
    private void undefineAfterConsole(Duration wait) {
        LibvirtConsole stream = reader;
        if (stream != null) {
            stream.join(wait);
            stream.close();
        }
        Connect c = connect;
        if (c != null) {
            watch.destroyAndUndefine(c);
        }
    }

    /** Everything after the domain ended: console reader and domain, listener, folder, SSH session, connection. */
    @Override
    protected void release() {
        undefineAfterConsole(KILL_WAIT);
        Connect c = connect;
        if (c != null && listener != null) {
            try {
                c.removeLifecycleListener(listener);
            } catch (LibvirtException e) {
                events().debug("Removing the event listener of domain " + name + ": " + LibvirtConnections.message(e));
            }
        }
        HostFiles h = files;
        if (h != null) {
            if (folder != null) {
                try {
                    h.deleteFolder(folder);
                } catch (JcapException e) {
                    events().warn(e.getMessage());
                }
            }
            h.close();
        }
        if (c != null) {
            try {
                c.close();
            } catch (LibvirtException e) {
                events().debug("Closing the libvirt connection: " + LibvirtConnections.message(e));
            }
        }
    }

    @Override
    public Optional<java.io.OutputStream> consoleInput() {
        LibvirtConsole stream = reader;
        return stream == null || !wantsConsoleInput() ? Optional.empty() : Optional.of(stream.input());
    }

    @Override
    protected LibvirtVm self() {
        return this;
    }

    private HostFiles openFiles() throws JcapException {
        return HostFiles.open(uri, hostFolder, sshTimeout);
    }

    /** Undefines a domain whose start failed, so that a retry can define the name again. */
    private void undefineQuietly(Domain defined) {
        if (defined == null) {
            return;
        }
        try {
            defined.undefine();
        } catch (LibvirtException e) {
            events().debug("Undefining libvirt domain " + name + ": " + LibvirtConnections.message(e));
        }
    }

    /** Creates the domain, with new host ports while a picked one turns out to be taken. */
    private List<PortForward> createDomain(VmSpec placed, String consoleLog) throws VmException {
        List<PortForward> onHost = Forwarding.onHost(spec().portForwards(), uri.isLocal());
        return startWithPortRetries(onHost, portSupplier(Forwarding.defaultSupplier(uri.isLocal())), chosen -> {
            String xml = DomainXml.of(name, placed, consoleLog, chosen);
            int flags = Domain.CreateFlags.AUTODESTROY | Domain.CreateFlags.PAUSED;
            Domain defined = null;
            try {
                defined = connect.domainDefineXML(xml);
                defined.create(flags);
                watch.attach(defined);
            } catch (LibvirtException e) {
                undefineQuietly(defined);
                throw new VmException("libvirt could not start domain " + name + " on " + files.where() + ": "
                        + QemuLog.explain(LibvirtConnections.message(e), files, RemoteConsole.qemuLogOf(name),
                                name, events()::debug),
                        OptionalInt.empty(), consoleTail(), e);
            }
        });
    }
}
