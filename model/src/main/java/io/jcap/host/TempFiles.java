package io.jcap.host;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary folders of work in progress (builds, runs, listings), registered with jcap's one
 * shutdown hook ({@link Cleanup}) so that a JVM stopped (Ctrl-C) before the work's own clean-up
 * leaves none.
 *
 * <pre>{@code
 * Path work = TempFiles.register(home.newWorkDir("build-"));
 * try { ... } finally { TempFiles.delete(work); }
 * }</pre>
 */
public final class TempFiles {
    private static final Map<Path, Cleanup.Registration> LIVE = new ConcurrentHashMap<>();

    private TempFiles() {
    }

    /** Registers {@code folder} for deletion at shutdown; returns it. */
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
