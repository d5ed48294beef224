package io.jcap.builder.instance;

import io.jcap.hypervisor.libvirt.DetachedDomain;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.JcapException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Whether detached libvirt domains run, asked once per libvirt host for one listing of instances
 * ({@code jcap ps}): many instances on one host cost one connection (for a remote host, one SSH
 * login by libvirt's transport), and a host that cannot be reached is tried once, not once per
 * instance, each try waiting for its connection to fail.
 */
final class DomainStates {
    private final Function<LibvirtUri, Set<String>> ask;
    /** Per host: the names of its running domains; empty when it could not be reached. */
    private final Map<LibvirtUri, Optional<Set<String>>> hosts = new HashMap<>();

    DomainStates() {
        this(uri -> {
            try {
                return DetachedDomain.runningNames(uri);
            } catch (JcapException e) {
                return null;
            }
        });
    }

    /** @param ask the running domains' names on a host; null when the host cannot be reached */
    DomainStates(Function<LibvirtUri, Set<String>> ask) {
        this.ask = ask;
    }

    /** Whether domain {@code name} runs on {@code uri}'s host; empty when that host could not be reached. */
    Optional<Boolean> running(LibvirtUri uri, String name) {
        return hosts.computeIfAbsent(uri, u -> Optional.ofNullable(ask.apply(u))).map(names -> names.contains(name));
    }
}
