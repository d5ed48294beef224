package io.jcap.host;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The one JVM shutdown hook of jcap: what must not outlive a stopped jcap (Ctrl-C, a signal) is
 * registered here while it exists, and undone by the hook in reverse order of registration, the
 * way try-with-resources closes. So a VM started on a work folder is stopped before that folder
 * is deleted.
 *
 * <pre>{@code
 * try (Cleanup.Registration r = Cleanup.register("delete " + work, () -> FileTrees.deleteQuietly(work))) {
 *     ... // work; on normal paths the owner cleans up and closing the registration forgets it
 * }
 * }</pre>
 */
public final class Cleanup {
    private static final Deque<Registration> LIVE = new ArrayDeque<>();
    private static boolean hooked;

    private Cleanup() {
    }

    /** Registers {@code action} to run at shutdown until the returned registration is closed. */
    public static synchronized Registration register(String what, Runnable action) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::runAll, "jcap-cleanup"));
            hooked = true;
        }
        Registration r = new Registration(what, action);
        LIVE.push(r);
        return r;
    }

    /**
     * True once the JVM is stopping (Ctrl-C, a signal): work that ends now was stopped, not failed.
     * Asked of the JVM itself, since the hook that stopped a VM may run before the caller looks.
     */
    public static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static void runAll() {
        List<Registration> due;
        synchronized (Cleanup.class) {
            due = new ArrayList<>(LIVE);
            LIVE.clear();
        }
        for (Registration r : due) {
            try {
                r.action.run();
            } catch (RuntimeException e) {
                // One failed clean-up must not keep the others from running; there is no one left to tell.
            }
        }
    }

    /** Something registered for clean-up; closing it forgets it (its owner has cleaned up). */
    public static final class Registration implements AutoCloseable {
        private final String what;
        private final Runnable action;

        private Registration(String what, Runnable action) {
            this.what = what;
            this.action = action;
        }

        /** Whether the hook would still run this. */
        public boolean active() {
            synchronized (Cleanup.class) {
                return LIVE.contains(this);
            }
        }

        @Override
        public void close() {
            synchronized (Cleanup.class) {
                LIVE.remove(this);
            }
        }

        @Override
        public String toString() {
            return what;
        }
    }
}
