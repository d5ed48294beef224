package io.jcap.hypervisor.libvirt;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * What a foreground run killed outright (SIGKILL) leaves on a libvirt host, this machine or a
 * remote one, removed by the next run's start there: the run cannot delete its domain folder or
 * undefine its domain, and libvirt stops the domain when the connection drops.
 */
final class DomainSweep {
    /** How long a folder whose domain is unknown stays untouched before {@link #sweep} takes it. */
    static final Duration QUIET = Duration.ofMinutes(10);

    private DomainSweep() {
    }

    /**
     * Deletes the domain folders of {@code files}' root made for its URI whose domain libvirt no
     * longer knows (neither running nor defined), or knows as a foreground run's domain that
     * stopped (undefined first: the run was killed before it could), and that were not touched for
     * {@code quiet} (a run starting now makes its folder before its domain). A folder of another
     * URI's daemon is left: that daemon's domains are not asked here, and neither is a detached
     * instance's stopped domain ({@code jcap rm} removes it). Failures only leave a folder for a
     * later sweep. Returns the host paths of the folders removed.
     */
    static List<String> sweep(HostFiles files, Connect connect, Duration quiet, EventSink events) {
        List<String> removed = new ArrayList<>();
        List<String> folders;
        try {
            folders = files.quietFolders(Instant.now().minus(quiet));
        } catch (JcapException e) {
            events.debug("No sweep of the domain folders on " + files.where() + ": " + e.getMessage());
            return removed;
        }
        for (String folder : folders) {
            String name = folder.substring(folder.lastIndexOf('/') + 1);
            try {
                Optional<Domain> domain = LibvirtConnections.findDomain(connect, name);
                if (domain.isPresent()) {
                    // A domain that is there and stopped is persistent: a transient one goes as it stops.
                    if (!LibvirtVm.RUN_DOMAIN.matcher(name).matches() || domain.get().isActive() != 0) {
                        continue;
                    }
                    domain.get().undefine();
                    events.debug("Undefined libvirt domain " + name + " on " + files.where()
                            + ": a foreground run's, stopped (a run that was killed)");
                }
                files.deleteFolder(folder);
                removed.add(folder);
                events.debug("Removed " + folder + " on " + files.where()
                        + ": its libvirt domain is gone (a run that was killed)");
            } catch (JcapException | LibvirtException | RuntimeException e) {
                events.debug("Left " + folder + " on " + files.where() + " for a later sweep: " + e.getMessage());
            }
        }
        return removed;
    }
}
