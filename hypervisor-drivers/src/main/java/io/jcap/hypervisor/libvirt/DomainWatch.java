package io.jcap.hypervisor.libvirt;

import io.jcap.model.EventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;

/**
 * Knows whether one domain still runs and, once it stopped, how. libvirt's lifecycle event says
 * why; polling is the fallback for a missed event and the way a broken connection shows (a
 * stopped domain is inactive, or gone once undefined).
 */
final class DomainWatch {
    /** How long a domain found gone by polling waits for the event that says why. */
    private static final Duration EVENT_GRACE = Duration.ofSeconds(1);
    /** How often a waiter polls besides waiting for the event. */
    private static final Duration POLL = Duration.ofMillis(500);

    private final String name;
    private final Supplier<EventSink> events;
    private final Object lock = new Object();
    private volatile Domain domain;
    private DomainEnd end;

    /** {@code events} is asked at each use: the VM's sink may be set after the watch exists. */
    DomainWatch(String name, Supplier<EventSink> events) {
        this.name = name;
        this.events = events;
    }

    void attach(Domain created) {
        domain = created;
    }

    /** The domain created, or null before. */
    Domain domain() {
        return domain;
    }

    /** Whether a domain was created. */
    boolean attached() {
        return domain != null;
    }

    /** A {@link org.libvirt.event.LifecycleListener}; runs on libvirt's event thread, so it only records. */
    int onLifecycle(Domain d, DomainEvent event) {
        try {
            if (event.getType() == DomainEventType.STOPPED && name.equals(d.getName())) {
                markEnded(DomainEnd.of(event.getDetail()));
            }
        } catch (LibvirtException e) {
            // Not ours to judge; polling notices the end anyway.
        }
        return 0;
    }

    Optional<DomainEnd> ended() {
        synchronized (lock) {
            return Optional.ofNullable(end);
        }
    }

    boolean isRunning() {
        Domain d = domain;
        if (d == null || ended().isPresent()) {
            return false;
        }
        try {
            return d.isActive() == 1;
        } catch (LibvirtException e) {
            return false;
        }
    }

    /** Polls the domain once; marks it ended when it is gone. */
    void checkGone() {
        Domain d = domain;
        if (d == null || ended().isPresent()) {
            return;
        }
        try {
            if (d.isActive() == 1) {
                return;
            }
        } catch (LibvirtException e) {
            if (!LibvirtConnections.noDomain(e)) {
                markEnded(DomainEnd.connectionLost(LibvirtConnections.message(e)));
                return;
            }
        }
        synchronized (lock) {
            try {
                if (end == null) {
                    lock.wait(EVENT_GRACE.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        markEnded(DomainEnd.UNKNOWN);
    }

    /** Whether the domain ended within {@code timeout}. */
    boolean waitEnded(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            synchronized (lock) {
                if (end != null) {
                    return true;
                }
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.min(left, POLL.toMillis()));
            }
            checkGone();
        }
    }

    /** The power button: the guest decides whether to power off. */
    void pressPowerButton() {
        try {
            domain.shutdown();
        } catch (LibvirtException e) {
            events.get().debug("Power button of libvirt domain " + name + ": " + LibvirtConnections.message(e));
        }
    }

    /** Pulls the plug; a domain that is gone already is fine. */
    void destroy() {
        Domain d = domain;
        if (d == null) {
            return;
        }
        try {
            d.destroy();
        } catch (LibvirtException e) {
            // Gone already, or the connection with it; libvirt destroys the domain with the connection.
            events.get().debug("Destroying libvirt domain " + name + ": " + LibvirtConnections.message(e));
        }
    }

    /** Destroys the domain if it still runs and undefines it (a foreground run's domain is persistent). */
    void destroyAndUndefine(Connect connect) {
        if (domain == null) {
            return;
        }
        try {
            LibvirtConnections.destroyAndUndefine(connect, name);
        } catch (LibvirtException e) {
            events.get().debug("Undefining libvirt domain " + name + ": " + LibvirtConnections.message(e));
        }
    }

    private void markEnded(DomainEnd how) {
        synchronized (lock) {
            if (end != null) {
                return;
            }
            end = how;
            lock.notifyAll();
        }
    }
}
