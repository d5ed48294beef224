package io.jcap.host;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary folders of work in progress (builds, runs, listings, a QEMU's control socket),
 * registered with jcap's one shutdown hook ({@link Cleanup}) so that a JVM stopped (Ctrl-C)
 * before the work's own clean-up leaves none.
 *
 * <p>A JVM killed outright (SIGKILL, the OOM killer) runs no hook, so a folder made by
 * {@link #create} also has a lock file beside it ({@code NAME.jcap-lock}) that this JVM holds
 * while the folder is in use; the kernel releases it when the process dies, however it dies.
 * The first {@code create} in an area sweeps it: folders whose lock nobody holds are removed,
 * never one whose owner is alive. A folder that cannot be deleted whole (a file in it busy or
 * protected) keeps its lock file, free, so that a later sweep removes the rest.
 *
 * <pre>{@code
 * Path work = TempFiles.create(home.tmp(), "build-");   // owner-only (0700), locked, registered
 * try { ... } finally { TempFiles.delete(work); }
 * }</pre>
 */
public final class TempFiles {
    private static final Map<Path, Cleanup.Registration> LIVE = new ConcurrentHashMap<>();
    private static final Map<Path, TempFolderLock> LOCKS = new ConcurrentHashMap<>();
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
    /** How long a deletion goes on against files still being made in the folder. */
    static final Duration WRITERS_WAIT = Duration.ofSeconds(2);

    /** The suffix of the lock file beside each folder made by {@link #create}: {@code NAME.jcap-lock}. */
    public static final String LOCK_SUFFIX = TempFolderLock.SUFFIX;
    /** The suffix of a folder moved aside while it is deleted: {@code NAME.jcap-deleting}, never a name of its own. */
    public static final String DELETING_SUFFIX = TempFolderLock.DELETING_SUFFIX;

    private TempFiles() {
    }

    /**
     * A new owner-only folder in {@code area} (created if missing) whose name starts with
     * {@code prefix}, locked by this JVM and registered for deletion at shutdown. The first call
     * for an area in this JVM sweeps the area first ({@link #sweep}).
     */
    public static Path create(Path area, String prefix) throws IOException {
        Path key = area.toAbsolutePath().normalize();
        TempFolderLock.createArea(key);
        if (SWEPT.add(key)) {
            sweep(key);
        }
        // One step for the shutdown hook: a Ctrl-C between the lock file and the registration
        // would otherwise leave both behind (seen under load).
        return Cleanup.making(() -> {
            TempFolderLock lock = TempFolderLock.create(key, prefix);
            LOCKS.put(lock.folder(), lock);
            return register(lock.folder());
        });
    }

    /**
     * Removes the folders of {@code area} made by {@link #create} in processes that have ended
     * (their lock is free), with their lock files; returns the folders removed. Folders of this
     * JVM and of live processes stay.
     */
    public static List<Path> sweep(Path area) {
        Path key = area.toAbsolutePath().normalize();
        return TempFolderLock.sweep(key);
    }

    /** Registers {@code folder} for deletion at shutdown; returns it. */
    public static Path register(Path folder) {
        LIVE.computeIfAbsent(folder, f -> Cleanup.register("delete " + f, () -> deleteFolder(f)));
        return folder;
    }

    /** Forgets a folder that has been moved into place and must stay. */
    public static void forget(Path folder) {
        Cleanup.Registration r = LIVE.remove(folder);
        if (r != null) {
            r.close();
        }
        TempFolderLock lock = LOCKS.remove(folder);
        if (lock != null) {
            lock.release();
        }
    }

    /** Deletes the folder now (and its lock file) and forgets it. */
    public static void delete(Path folder) {
        if (folder != null) {
            deleteFolder(folder);
            forget(folder);
        }
    }

    /**
     * {@link FileTrees#deleteQuietly} of the folder moved aside ({@link TempFolderLock#aside}), walking
     * it again while files made during the walk keep it from being removed, for at most {@link
     * #WRITERS_WAIT}; what is left goes back under its name. After a Ctrl-C, jcap's own threads go on
     * while the hook deletes their folder: a run's main thread may still be writing its files into it
     * (found by a detached run interrupted the moment its instance folder appeared, which left the
     * folder). Such a writer stops once the folder is gone (its next file fails) or at its next
     * {@link Cleanup#making} step, which waits for the JVM's end.
     */
    private static boolean deleteRacingWriters(Path folder) {
        // Moved aside first: a writer's next file, made by its path, then fails at once. Only
        // racing such a writer (walking the folder again while it made files) was lost under load,
        // 3000 files made in more than the wait (seen in CI).
        Path target = folder;
        try {
            target = Files.move(folder, TempFolderLock.aside(folder), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Gone already, or it cannot be moved: deleted where it is.
        }
        long deadline = System.nanoTime() + WRITERS_WAIT.toNanos();
        while (true) {
            try {
                FileTrees.delete(target);
                return true;
            } catch (DirectoryNotEmptyException e) {
                if (System.nanoTime() - deadline >= 0) {
                    putBack(target, folder);
                    return false;
                }
            } catch (IOException e) {
                // best effort: what cannot be deleted is left to the area's next sweep
                boolean gone = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                if (!gone) {
                    putBack(target, folder);
                }
                return gone;
            }
        }
    }

    /** What is left of a folder moved aside goes back under its name, beside its lock file, for the sweep. */
    private static void putBack(Path target, Path folder) {
        if (!target.equals(folder)) {
            try {
                Files.move(target, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // The sweep looks aside too (TempFolderLock.aside).
            }
        }
    }

    /**
     * Deletes the folder and lets its lock go, keeping the lock file if anything is left. One thread at
     * a time: a stopped JVM's hook and the owner's own clean-up (its {@code finally}, reached as the
     * hook stops what it waited for) may both delete the same folder.
     */
    private static synchronized void deleteFolder(Path folder) {
        boolean deleted = deleteRacingWriters(folder);
        TempFolderLock lock = LOCKS.remove(folder);
        if (lock != null) {
            if (deleted) {
                lock.release();
            } else {
                lock.releaseKeepingFile();
            }
        }
    }
}
