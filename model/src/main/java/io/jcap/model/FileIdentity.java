package io.jcap.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What says a host file is the one read before: its size, modification and status-change times
 * (nanoseconds), device and inode, as git's index keeps them. Read once where a file is found (a
 * folder's walk) and carried with it, it spares every later user its own {@code stat}: a tree
 * of 20 000 files made five per file.
 *
 * <pre>{@code
 * Map<String, Object> unix = Files.readAttributes(file, "unix:mode," + FileIdentity.ATTRIBUTES, NOFOLLOW_LINKS);
 * FileIdentity identity = FileIdentity.of(unix);
 * }</pre>
 */
public record FileIdentity(long size, long mtimeNanos, long ctimeNanos, long device, long inode) {
    /** The {@code unix:} attributes {@link #of(Map)} takes, to be read with others in one call. */
    public static final String ATTRIBUTES = "size,lastModifiedTime,ctime,dev,ino";

    /** The identity of {@code path} now, links followed. */
    public static FileIdentity of(Path path) throws IOException {
        return of(Files.readAttributes(path, "unix:" + ATTRIBUTES));
    }

    /** The identity in {@code unix}, a {@code unix:} attribute map holding {@link #ATTRIBUTES}. */
    public static FileIdentity of(Map<String, Object> unix) {
        return new FileIdentity((Long) unix.get("size"), nanos(unix.get("lastModifiedTime")), nanos(unix.get("ctime")),
                (Long) unix.get("dev"), (Long) unix.get("ino"));
    }

    // equals and hashCode are written out (the same as the record's own) because a record's are
    // linked through ObjectMethods at their first call, 1-10 ms of every command's start
    // (docs/benchmarks-mini.md).
    @Override
    public boolean equals(Object o) {
        return o instanceof FileIdentity other && size == other.size && mtimeNanos == other.mtimeNanos
                && ctimeNanos == other.ctimeNanos && device == other.device && inode == other.inode;
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(size);
        h = 31 * h + Long.hashCode(mtimeNanos);
        h = 31 * h + Long.hashCode(ctimeNanos);
        h = 31 * h + Long.hashCode(device);
        return 31 * h + Long.hashCode(inode);
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
}
