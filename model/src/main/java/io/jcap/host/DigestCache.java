package io.jcap.host;

import io.jcap.model.FileIdentity;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SHA-256 of host files, remembered by each file's identity: its path, device and inode,
 * size, modification time and status-change time (nanoseconds), as git's index remembers what
 * it hashed. A file whose identity is unchanged is not read again; any write, rename over it,
 * {@code touch} or {@code chmod} changes its ctime, which no unprivileged process can set back.
 *
 * <p>A file changed within {@link #RACY} before it was hashed is not remembered: timestamps
 * come from a coarse clock, so a second write in the same tick could leave the identity as it
 * was (git's "racily clean" entries). The cache is a plain text file, rewritten whole (a new
 * file renamed into place) by {@link #save()}; a damaged or foreign line is ignored, and a
 * lost update only costs a read. It keeps every file of its last use, however many they are, and
 * the {@link #MAX_ENTRIES} most recently used others.
 */
public final class DigestCache {
    /** How recent a change makes a file's identity untrustworthy. */
    static final Duration RACY = Duration.ofSeconds(2);
    /** How many files the cache remembers besides those of its last use. */
    static final int MAX_ENTRIES = 4096;
    private static final String HEADER = "jcap-digests-1";
    /** From this size on, a file missing from the cache is read by a host tool. */
    static final long TOOL_BYTES = 1 << 20;

    private final Path file;
    private final Duration racy;
    /**
     * By path, least recently used first: a {@link Remembered}, or the file's line as it was read
     * (parsed at its first use: a cache of 20 000 files parsed whole cost 80 ms of every build).
     */
    private final Map<String, Object> entries = new LinkedHashMap<>(64, 0.75f, true);
    /** What each {@link #sha256} call of this instance answered, and for which identity. */
    private final Map<Path, Remembered> answered = new LinkedHashMap<>();
    private boolean changed;

    private DigestCache(Path file, Duration racy) {
        this.file = file;
        this.racy = racy;
    }

    /** The cache kept in {@code file} (read now; a missing or unreadable file is an empty cache). */
    public static DigestCache at(Path file) {
        return at(file, RACY);
    }

    /**
     * The same, remembering files whose last change lies at least {@code racy} before they were
     * hashed ({@link #RACY} for {@link #at(Path)}; tests trust every file with a negative one).
     */
    public static DigestCache at(Path file, Duration racy) {
        DigestCache cache = new DigestCache(file, racy);
        cache.load();
        return cache;
    }

    /** A cache that remembers nothing: every file is read every time. */
    public static DigestCache none() {
        return new DigestCache(null, RACY);
    }

    /** The file's SHA-256: remembered when its identity is unchanged, else read (and remembered). */
    public Sha256 sha256(Path path) throws IOException {
        return sha256(path, null);
    }

    /**
     * The same for a file whose identity was read where it was found ({@code identity}, links
     * followed), or is read now when that is null. A file changed since is read with the identity
     * it had then, so {@link #changedSinceAnswered()} names it.
     */
    public synchronized Sha256 sha256(Path path, FileIdentity identity) throws IOException {
        Path key = path.toAbsolutePath().normalize();
        FileIdentity before = identity != null ? identity : FileIdentity.of(key);
        Remembered known = remembered(key);
        if (known != null && known.identity().equals(before)) {
            answered.put(key, known);
            return known.sha256();
        }
        Instant start = Instant.now();
        Sha256 sha256 = read(key, before.size());
        answered.put(key, new Remembered(before, sha256));
        if (file != null && FileIdentity.of(key).equals(before) && settledAt(before, start, racy)) {
            entries.put(key.toString(), new Remembered(before, sha256));
            changed = true;
        }
        return sha256;
    }

    /**
     * The files this instance gave a digest for that may no longer hold the bytes it answered:
     * a build asks once it has read them again for the image, so that an image whose inputs
     * digest does not describe its files is never stored. A file gone, or with another size,
     * modification time or inode, has changed; one whose status-change time alone moved (a
     * {@code chmod}, another hard link to it, as every build makes to its kernel) is read again
     * and compared.
     */
    public synchronized List<Path> changedSinceAnswered() {
        List<Path> changedFiles = new ArrayList<>();
        for (Map.Entry<Path, Remembered> e : answered.entrySet()) {
            FileIdentity then = e.getValue().identity();
            try {
                FileIdentity now = FileIdentity.of(e.getKey());
                if (now.equals(then)) {
                    continue;
                }
                if (now.size() == then.size() && now.mtimeNanos() == then.mtimeNanos() && now.device() == then.device()
                        && now.inode() == then.inode() && read(e.getKey(), now.size()).equals(e.getValue().sha256())) {
                    continue;
                }
            } catch (IOException gone) {
                // Deleted or unreadable now: not what was read.
            }
            changedFiles.add(e.getKey());
        }
        return changedFiles;
    }

    /**
     * A file's digest read now: a large one by a host tool ({@link FileDigests}: openssl reads a
     * 14 MB kernel in about 10 ms here, a Java digest under bin/jcap's client compiler in about
     * 140 ms), a small one in this process, where starting a tool would cost more. A kernel's
     * ctime changes whenever an image build hard-links it, so this is not rare.
     */
    private static Sha256 read(Path file, long size) throws IOException {
        if (size >= TOOL_BYTES) {
            try {
                return FileDigests.sha256(file);
            } catch (io.jcap.model.JcapException e) {
                // The tool took too long or failed otherwise: Java reads it.
            }
        }
        return Sha256.of(file);
    }

    /** Writes what was learnt, if anything, to the cache's file; a failure leaves the old file. */
    public synchronized void save() {
        if (file == null || !changed) {
            return;
        }
        List<Map.Entry<String, Object>> kept = new ArrayList<>(entries.entrySet());
        // Every file asked for by this use stays (they are the last in access order), however many,
        // with MAX_ENTRIES others: a project of more files than MAX_ENTRIES pushed out its own first
        // files and had every one read again at each build, and a small project built in between
        // lost its own.
        int from = Math.max(0, kept.size() - MAX_ENTRIES - answered.size());
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, Object> e : kept.subList(from, kept.size())) {
            if (e.getValue() instanceof String line) {
                text.append(line).append('\n');
                continue;
            }
            Remembered r = (Remembered) e.getValue();
            FileIdentity id = r.identity();
            text.append(r.sha256().hex()).append(' ').append(id.size()).append(' ')
                    .append(id.mtimeNanos()).append(' ').append(id.ctimeNanos()).append(' ').append(id.device())
                    .append(' ').append(id.inode()).append(' ').append(e.getKey()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Durable.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
            changed = false;
        } catch (IOException e) {
            // Only a cache: the next use reads the files again.
        }
    }

    private void load() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // None yet, or unreadable: every file is read, and save() writes a new one.
            return;
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            return;
        }
        for (String line : lines.subList(1, lines.size())) {
            int path = pathStart(line);
            if (path > 0 && path < line.length()) {
                entries.put(line.substring(path), line);
            }
        }
    }

    /** Where a line's path starts (SHA256 SIZE MTIME CTIME DEVICE INODE PATH: after the sixth space), or -1. */
    private static int pathStart(String line) {
        int at = 0;
        for (int field = 0; field < 6; field++) {
            at = line.indexOf(' ', at) + 1;
            if (at == 0) {
                return -1;
            }
        }
        return at;
    }

    /** The entry of {@code key}, parsed at its first use; a damaged line is forgotten (the file is read again). */
    private Remembered remembered(Path key) {
        String name = key.toString();
        Object value = entries.get(name);
        if (!(value instanceof String line)) {
            return (Remembered) value;
        }
        try {
            // SHA256 SIZE MTIME CTIME DEVICE INODE PATH, read field by field (a split and a parse
            // of user input per line cost a rebuild of 20 000 files a tenth of its time).
            int end = line.indexOf(' ');
            Sha256 sha256 = new Sha256(line.substring(0, end));
            long[] numbers = new long[5];
            for (int i = 0; i < numbers.length; i++) {
                int start = end + 1;
                end = line.indexOf(' ', start);
                numbers[i] = Long.parseLong(line, start, end, 10);
            }
            Remembered parsed = new Remembered(
                    new FileIdentity(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]), sha256);
            entries.put(name, parsed);
            return parsed;
        } catch (RuntimeException e) {
            entries.remove(name);
            return null;
        }
    }

    private record Remembered(FileIdentity identity, Sha256 sha256) {
    }

    /** Whether the file's last change lies at least {@code racy} before {@code start}. */
    private static boolean settledAt(FileIdentity id, Instant start, Duration racy) {
        long limit = TimeUnit.SECONDS.toNanos(start.getEpochSecond()) + start.getNano() - racy.toNanos();
        return id.mtimeNanos() < limit && id.ctimeNanos() < limit;
    }
}
