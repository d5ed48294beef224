package io.jcap.host;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which entries of a cache go: beyond the {@code keep} used last (counting one the caller keeps
 * anyway), those unused since {@code before}. The caches of initramfs files and of Java runtimes
 * share the rule; each says what "used" is and deletes in its own way.
 *
 * <pre>{@code
 * for (Path old : CacheRetention.expired(entries, Cache::lastUsed, 8, Instant.now().minus(Duration.ofDays(7)))) {
 *     delete(old);
 * }
 * }</pre>
 */
public final class CacheRetention {
    private CacheRetention() {
    }

    /**
     * @param others the cache's entries other than the one just made or used, which always stays
     * @param lastUsed when an entry was last used (the epoch for one that cannot say)
     * @param keep how many entries, the one kept by the caller included, stay whatever their age
     */
    public static List<Path> expired(List<Path> others, Function<Path, FileTime> lastUsed, int keep, Instant before) {
        // Each entry's time read once: a stat per comparison cost more, and a use touching an
        // entry during the sort would break the order the sort relies on.
        Map<Path, FileTime> used = new HashMap<>();
        others.forEach(entry -> used.put(entry, lastUsed.apply(entry)));
        List<Path> sorted = new ArrayList<>(others);
        sorted.sort(Comparator.comparing(used::get).reversed());
        List<Path> expired = new ArrayList<>();
        for (Path entry : sorted.subList(Math.min(sorted.size(), keep - 1), sorted.size())) {
            if (used.get(entry).toInstant().isBefore(before)) {
                expired.add(entry);
            }
        }
        return expired;
    }
}
