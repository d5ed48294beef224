package io.jcap.builder.push;

import io.jcap.model.JcapException;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The push targets on the class path, found through {@link ServiceLoader}; this class names none
 * of them.
 *
 * <pre>{@code
 * PushTarget openstack = PushTargets.named("openstack");
 * }</pre>
 */
public final class PushTargets {
    private PushTargets() {
    }

    /** Every target, sorted by name. */
    public static List<PushTarget> all() {
        return ServiceLoader.load(PushTarget.class, PushTargets.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).sorted(Comparator.comparing(PushTarget::name)).toList();
    }

    /**
     * The target called {@code name}, or the one that takes {@code name} as its address (a registry
     * reference such as {@code ghcr.io/acme/hello:1}).
     *
     * @throws JcapException when there is none, naming the targets there are
     */
    public static PushTarget named(String name) throws JcapException {
        List<PushTarget> targets = all();
        for (PushTarget target : targets) {
            if (target.accepts(name)) {
                return target;
            }
        }
        throw JcapException.usage("no push target '" + name + "': use one of "
                + targets.stream().map(PushTarget::destination).collect(Collectors.joining(", ")));
    }
}
