package io.jcap.hypervisor.libvirt;

import io.jcap.host.Cleanup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Libvirt VMs not closed yet, each registered with jcap's one shutdown hook ({@link Cleanup}) so
 * Ctrl-C leaves no domain and no uploaded files behind. (Domains are also created to die with
 * their connection, which covers a JVM that is killed outright, but not their files.)
 */
final class LiveDomains {
    private static final Map<LibvirtVm, Cleanup.Registration> LIVE = new ConcurrentHashMap<>();

    private LiveDomains() {
    }

    static void register(LibvirtVm vm) {
        LIVE.put(vm, Cleanup.register("libvirt domain", vm::killForShutdown));
    }

    static void unregister(LibvirtVm vm) {
        Cleanup.Registration r = LIVE.remove(vm);
        if (r != null) {
            r.close();
        }
    }

    static boolean contains(LibvirtVm vm) {
        return LIVE.containsKey(vm);
    }
}
