package io.jcap.hypervisor.libvirt;

import io.jcap.model.EnvironmentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.Library;
import org.libvirt.jna.Libvirt;

/**
 * Opens libvirt connections the way every jcap caller needs them: the native library loaded
 * once, libvirt's habit of printing errors to stderr switched off (library code never prints),
 * and an event loop running so lifecycle events arrive and remote connections get keep-alives.
 * The loop must exist before the first connection opens, so every connection goes through here.
 *
 * <pre>{@code
 * Connect connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
 * }</pre>
 */
public final class LibvirtConnections {
    /** Held for the life of the process: JNA must not collect a callback libvirt still calls. */
    private static final Libvirt.VirErrorCallback SILENT = (userData, error) -> { };
    private static boolean initialised;
    /** How long {@link #open(LibvirtUri)} waits for the daemon's answer (an SSH transport's login included). */
    static final Duration OPEN_BOUND = Duration.ofSeconds(60);

    private LibvirtConnections() {
    }

    /** Opens {@code uri}; failures say why and what to do. Gives up after {@link #OPEN_BOUND}. */
    public static Connect open(LibvirtUri uri) throws EnvironmentException {
        return open(uri, OPEN_BOUND);
    }

    /**
     * Opens {@code uri}, giving up after {@code bound}: libvirt's open waits for the daemon's answer
     * without a limit (its keep-alive starts only once the connection is open), so a daemon that
     * accepts connections but never answers (hung, or stopped) would hold jcap for ever. The open
     * runs in a daemon thread; a connection it makes after jcap gave up is closed at once.
     */
    static Connect open(LibvirtUri uri, Duration bound) throws EnvironmentException {
        init();
        CompletableFuture<Connect> opened = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                Connect connect = new Connect(uri.toString());
                if (!opened.complete(connect)) {
                    closeQuietly(connect);
                }
            } catch (LibvirtException | RuntimeException e) {
                opened.completeExceptionally(e);
            }
        }, "libvirt-open");
        opener.setDaemon(true);
        opener.start();
        try {
            return opened.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            opened.cancel(false);
            throw new EnvironmentException("libvirt at " + uri + " did not answer within "
                    + bound.toSeconds() + " s: its daemon may be hung or stopped; restart it (systemctl restart"
                    + " libvirtd) and try again");
        } catch (InterruptedException e) {
            opened.cancel(false);
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while connecting to libvirt at " + uri);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LibvirtException le) {
                throw new EnvironmentException("cannot connect to libvirt at " + uri + ": " + message(le)
                        + LibvirtHints.forConnectFailure(uri, message(le)).map(h -> "; " + h).orElse(""), le);
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /**
     * For a {@code qemu+ssh://} URI, checks the SSH host's key against the URI's known_hosts as
     * jcap's own SSH connections do (an unknown or changed key is refused, with what to do) before
     * anything is sent; other URIs pass. libvirt's transport runs the {@code ssh} program, whose
     * check depends on the user's ssh configuration; this one does not.
     */
    public static void checkHostKey(LibvirtUri uri, java.time.Duration timeout) throws EnvironmentException {
        java.util.Optional<SshTarget> ssh = uri.sshTarget();
        if (ssh.isPresent()) {
            SshSession.open(ssh.get(), timeout).close();
        }
    }

    /** libvirt's own text of an error, without the error-domain prefix it adds for stderr. */
    public static String message(LibvirtException e) {
        String text = e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage()
                : String.valueOf(e.getMessage());
        return text.strip();
    }

    /** Closes {@code connect}; a failure to close is nobody's concern once nothing is left open on it. */
    public static void closeQuietly(Connect connect) {
        try {
            connect.close();
        } catch (LibvirtException e) {
            // Nothing was left open on it.
        }
    }

    /** Domain {@code name}, running or defined; empty when there is none (no error for a missing one). */
    public static Optional<Domain> findDomain(Connect connect, String name) throws LibvirtException {
        try {
            return Optional.of(connect.domainLookupByName(name));
        } catch (LibvirtException e) {
            if (noDomain(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether libvirt said there is no such domain: it never was, or it ended and went since it was named. */
    public static boolean noDomain(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == Error.ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    /** Reads one domain; see {@link #readRunning}. */
    @FunctionalInterface
    public interface DomainReader<T> {
        T read(Domain domain) throws LibvirtException;
    }

    /**
     * What {@code reader} reads of each running domain, in libvirt's order. A domain that ends
     * between the listing and its reading (a transient one of another user, on a busy host) is
     * left out: it runs no more, which is all a caller asks of the list.
     */
    public static <T> List<T> readRunning(Connect connect, DomainReader<T> reader) throws LibvirtException {
        List<T> read = new ArrayList<>();
        for (int id : connect.listDomains()) {
            Domain domain;
            try {
                domain = connect.domainLookupByID(id);
            } catch (LibvirtException e) {
                if (noDomain(e)) {
                    continue;
                }
                throw e;
            }
            try {
                read.add(reader.read(domain));
            } catch (LibvirtException e) {
                if (!noDomain(e)) {
                    throw e;
                }
            } finally {
                domain.free();
            }
        }
        return read;
    }

    /** Destroys domain {@code name} if it runs and undefines it; a missing domain is fine. */
    public static void destroyAndUndefine(Connect connect, String name) throws LibvirtException {
        Optional<Domain> domain = findDomain(connect, name);
        if (domain.isPresent()) {
            if (domain.get().isActive() == 1) {
                domain.get().destroy();
            }
            if (domain.get().isPersistent() == 1) {
                domain.get().undefine();
            }
            domain.get().free();
        }
    }

    private static synchronized void init() throws EnvironmentException {
        if (initialised) {
            return;
        }
        try {
            Connect.setErrorCallback(SILENT);
            Library.initEventLoop();
        } catch (LinkageError e) {
            throw new EnvironmentException("cannot load the libvirt client library (libvirt.so.0): " + e.getMessage()
                    + "; install it with 'apt-get install libvirt0'", e);
        } catch (LibvirtException e) {
            throw new EnvironmentException("cannot start libvirt's event loop: " + message(e), e);
        }
        Thread loop = new Thread(LibvirtConnections::runLoop, "jcap-libvirt-events");
        loop.setDaemon(true);
        loop.start();
        initialised = true;
    }

    private static void runLoop() {
        try {
            Library.runEventLoop();
        } catch (LibvirtException e) {
            // Nothing to report to: without the loop, VMs notice a stopped domain by polling.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
