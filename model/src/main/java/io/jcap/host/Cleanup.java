package io.jcap.host;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
    /** How long the hook waits for a {@link #making} step under way to register what it made. */
    static final Duration MAKING_WAIT = Duration.ofSeconds(2);
    private static final Deque<Registration> LIVE = new ArrayDeque<>();
    /** Held shared by {@link #making} steps, taken whole by the hook before it runs. */
    private static final ReentrantReadWriteLock MAKING = new ReentrantReadWriteLock();
    private static boolean hooked;
    private static boolean running;

    private Cleanup() {
    }

    /**
     * Registers {@code action} to run at shutdown until the returned registration is closed. Once
     * the hook has run, an action registered after it runs at once (nothing else would run it).
     */
    public static Registration register(String what, Runnable action) {
        Registration r = new Registration(what, action);
        synchronized (Cleanup.class) {
            if (!hooked) {
                Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::runAll, "jcap-cleanup"));
                hooked = true;
            }
            if (!running) {
                LIVE.push(r);
                return r;
            }
        }
        runQuietly(r);
        return r;
    }

    /**
     * Something made (a file, a process) and registered, or a registration ended because what it
     * guarded is now recorded, in one step: {@link #making}.
     */
    @FunctionalInterface
    public interface Making<T, E extends Exception> {
        T make() throws E;
    }

    /**
     * Runs {@code step}, which makes something and registers its clean-up, as one step for the
     * hook: a Ctrl-C in the middle of it (a lock file made, its folder not registered yet) waits
     * until it is registered, at most {@link #MAKING_WAIT}, so that the hook removes it too.
     * Once the hook has started, a new step waits for the JVM to end instead.
     */
    public static <T, E extends Exception> T making(Making<T, E> step) throws E {
        MAKING.readLock().lock();
        try {
            return step.make();
        } finally {
            MAKING.readLock().unlock();
        }
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

    /**
     * {@link #shuttingDown()}, waiting up to {@code timeout} for it: a child process that died of
     * SIGINT or SIGTERM is usually seen before the JVM, which got the same signal (Ctrl-C reaches
     * the whole process group), has begun to stop.
     */
    public static boolean shuttingDownWithin(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!shuttingDown()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static void runAll() {
        try {
            // Kept: steps started after this point wait for the JVM's end rather than make anything.
            MAKING.writeLock().tryLock(MAKING_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Registration> due;
        synchronized (Cleanup.class) {
            running = true;
            due = new ArrayList<>(LIVE);
            LIVE.clear();
        }
        due.forEach(Cleanup::runQuietly);
    }

    private static void runQuietly(Registration r) {
        try {
            r.action.run();
        } catch (RuntimeException e) {
            // One failed clean-up must not keep the others from running; there is no one left to tell.
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

        /**
         * Forgets this registration as a {@link #making} step: on return the hook will not run it,
         * so what it guarded is kept and may be reported made. Once the hook has started (it may be
         * undoing it this moment), waits for the JVM's end instead: a push whose last bytes went out
         * as Ctrl-C came must not say it pushed what the hook deletes.
         */
        public void release() {
            making(() -> {
                close();
                return null;
            });
        }

        @Override
        public String toString() {
            return what;
        }
    }
}
