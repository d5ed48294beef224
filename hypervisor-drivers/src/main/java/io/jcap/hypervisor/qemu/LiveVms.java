package io.jcap.hypervisor.qemu;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The QEMU processes this JVM started and has not stopped yet, and the one shutdown hook that
 * kills them: Ctrl-C must never leave a guest running behind the user's back.
 */
final class LiveVms {
    private static final Set<QemuVm> LIVE = ConcurrentHashMap.newKeySet();
    private static boolean hooked;

    private LiveVms() {
    }

    static synchronized void register(QemuVm vm) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(LiveVms::killAll, "jcap-qemu-shutdown"));
            hooked = true;
        }
        LIVE.add(vm);
    }

    static void unregister(QemuVm vm) {
        LIVE.remove(vm);
    }

    static boolean contains(QemuVm vm) {
        return LIVE.contains(vm);
    }

    private static void killAll() {
        for (QemuVm vm : LIVE) {
            vm.killForShutdown();
        }
    }
}
