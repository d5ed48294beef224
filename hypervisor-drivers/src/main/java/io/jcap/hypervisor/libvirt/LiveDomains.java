package io.jcap.hypervisor.libvirt;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Libvirt VMs not closed yet, destroyed by a JVM shutdown hook so Ctrl-C leaves no domain and
 * no uploaded files behind. (Domains are also created to die with their connection, which covers
 * a JVM that is killed outright, but not their files.)
 */
final class LiveDomains {
    private static final Set<LibvirtVm> LIVE = new LinkedHashSet<>();
    private static boolean hooked;

    private LiveDomains() {
    }

    static synchronized void register(LibvirtVm vm) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(LiveDomains::killAll, "jcap-libvirt-shutdown"));
            hooked = true;
        }
        LIVE.add(vm);
    }

    static synchronized void unregister(LibvirtVm vm) {
        LIVE.remove(vm);
    }

    static synchronized boolean contains(LibvirtVm vm) {
        return LIVE.contains(vm);
    }

    private static void killAll() {
        List<LibvirtVm> vms;
        synchronized (LiveDomains.class) {
            vms = List.copyOf(LIVE);
        }
        for (LibvirtVm vm : vms) {
            vm.killForShutdown();
        }
    }
}
