package io.jcap.builder.temp;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary folders of builds and runs in progress, deleted by a shutdown hook when the JVM is
 * stopped (Ctrl-C) before the work's own clean-up runs.
 */
public final class TempFiles {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(FileTrees::deleteTree), "jcap-temp-cleanup"));
    }

    /**
     * True once the JVM is stopping (Ctrl-C, a signal): work that ends now was stopped, not failed.
     * Asked of the JVM itself, since the hook that stopped a VM may run before any hook of ours.
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

    private TempFiles() {
    }

    public static Path register(Path folder) {
        LIVE.add(folder);
        return folder;
    }

    /** Forgets a folder that has been moved into place and must stay. */
    public static void forget(Path folder) {
        LIVE.remove(folder);
    }

    /** Deletes the folder now and forgets it. */
    public static void delete(Path folder) {
        if (folder != null) {
            FileTrees.deleteTree(folder);
            LIVE.remove(folder);
        }
    }
}
