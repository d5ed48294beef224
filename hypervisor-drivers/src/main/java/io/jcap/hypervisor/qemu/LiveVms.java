package io.jcap.hypervisor.qemu;

import io.jcap.host.Cleanup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The QEMU processes this JVM started and has not stopped yet, each registered with jcap's one
 * shutdown hook ({@link Cleanup}): Ctrl-C must never leave a guest running behind the user's back.
 */
final class LiveVms {
    private static final Map<QemuVm, Cleanup.Registration> LIVE = new ConcurrentHashMap<>();

    private LiveVms() {
    }

    static void register(QemuVm vm) {
        LIVE.put(vm, Cleanup.register("QEMU guest", vm::killForShutdown));
    }

    static void unregister(QemuVm vm) {
        Cleanup.Registration r = LIVE.remove(vm);
        if (r != null) {
            r.close();
        }
    }

    static boolean contains(QemuVm vm) {
        return LIVE.containsKey(vm);
    }
}
