package io.jcap.builder;

import io.jcap.host.Cleanup;
import io.jcap.host.FileTrees;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary folders of builds and runs in progress, registered with jcap's one shutdown hook
 * ({@link Cleanup}) so that a JVM stopped (Ctrl-C) before the work's own clean-up leaves none.
 */
public final class TempFiles {
    private static final Map<Path, Cleanup.Registration> LIVE = new ConcurrentHashMap<>();

    private TempFiles() {
    }

    /** True once the JVM is stopping: work that ends now was stopped, not failed. */
    public static boolean shuttingDown() {
        return Cleanup.shuttingDown();
    }

    public static Path register(Path folder) {
        LIVE.put(folder, Cleanup.register("delete " + folder, () -> FileTrees.deleteQuietly(folder)));
        return folder;
    }

    /** Forgets a folder that has been moved into place and must stay. */
    public static void forget(Path folder) {
        Cleanup.Registration r = LIVE.remove(folder);
        if (r != null) {
            r.close();
        }
    }

    /** Deletes the folder now and forgets it. */
    public static void delete(Path folder) {
        if (folder != null) {
            FileTrees.deleteQuietly(folder);
            forget(folder);
        }
    }
}
