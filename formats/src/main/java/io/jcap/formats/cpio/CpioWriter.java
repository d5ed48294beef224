package io.jcap.formats.cpio;

import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Writes image entries as a deterministic SVR4 "newc" cpio archive: entries in the given order,
 * inode numbers counted from 1, each entry's own owner (root unless a container layer said
 * otherwise), one fixed mtime, no host metadata. This is the
 * wire format of OSv's cpiod and of jcap's guest init, and the format of a Linux initramfs.
 *
 * <p>Entries naming one file ({@link ImageEntry#inode}: a regular file and its
 * {@link ImageEntry.HardLink}s) are one inode, as newc says: one inode number, the number of
 * names in the archive as the link count on each, the bytes with the first of them in archive
 * order and none with the others (GNU cpio puts them on the last; jcap's receiver writes data as it
 * arrives and links later names to the first, and the kernel's initramfs unpacker takes either).
 * Callers whose receiver cannot link (OSv's cpiod) pass {@link ImageEntry.HardLink#asCopies}.
 *
 * <pre>{@code
 * StreamStats stats = new CpioWriter(NameStyle.ABSOLUTE, 0).write(tree.entries(), out, EventSink.NONE);
 * }</pre>
 */
public final class CpioWriter {
    /** How entry names are written. */
    public enum NameStyle {
        /** {@code /app/hello}, the root folder as {@code /}: what a builder guest receives. */
        ABSOLUTE,
        /**
         * {@code /app/hello}, the root folder left out: what OSv's {@code cpiod} takes (it aborts on
         * an entry named {@code /}) and what OSv's own upload script sends.
         */
        ABSOLUTE_WITHOUT_ROOT,
        /** {@code app/hello}, the root folder left out: what a Linux initramfs holds. */
        RELATIVE
    }

    /** The largest file a newc archive holds: its sizes are 32-bit. */
    public static final long MAX_FILE_BYTES = 0xFFFFFFFFL;
    private static final int COPY_BUFFER = 1 << 16;
    private static final byte[] ZEROS = new byte[COPY_BUFFER];

    /**
     * A file of the tree that could not be read while the archive was written (gone, unreadable,
     * changed size): the host's problem, not the output's.
     */
    public static final class SourceException extends IOException {
        SourceException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** Receives each regular file's SHA-256, taken from the bytes as they are written. */
    @FunctionalInterface
    public interface FileDigests {
        void accept(GuestPath path, Sha256 digest);
    }

    private final NameStyle nameStyle;
    private final long mtimeSeconds;
    private FileDigests fileDigests;
    private boolean streamDigest = true;
    private boolean holes;

    /**
     * @param mtimeSeconds the modification time stamped on every entry (use
     *     {@link #defaultMtime()} for {@code SOURCE_DATE_EPOCH} or 0)
     */
    public CpioWriter(NameStyle nameStyle, long mtimeSeconds) {
        this.nameStyle = nameStyle;
        this.mtimeSeconds = mtimeSeconds;
    }

    /**
     * Hands each regular file's SHA-256 to {@code sink} while writing: one read of the files gives
     * both the stream and a manifest of the tree.
     */
    public CpioWriter withFileDigests(FileDigests sink) {
        this.fileDigests = sink;
        return this;
    }

    /**
     * Leaves the stream's SHA-256 out of its {@link StreamStats} (the XXH64 stays). A stream sent
     * to a builder guest needs no digest of its own: the image's stream digest was taken before the
     * build, and under the launcher's client compiler (no SHA intrinsic) digesting every byte again
     * costs about as much host CPU as the guest's QEMU gets, on the stream's critical path
     * (docs/benchmarks-stream.md).
     */
    public CpioWriter withoutStreamDigest() {
        this.streamDigest = false;
        return this;
    }

    /**
     * Sends files holding runs of zeros of 64 KiB or more with holes ({@link HoleMap}): only jcap's
     * guest init reads such entries (docs/guest-protocol.md, "Files with holes"), never OSv's cpiod
     * nor a kernel's initramfs unpacker. Each file of at least 64 KiB is read once more, before its
     * header, to find them.
     */
    public CpioWriter withHoles() {
        this.holes = true;
        return this;
    }

    /** {@code SOURCE_DATE_EPOCH} when set to a number, else 0. */
    public static long defaultMtime() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch != null && epoch.matches("\\d{1,12}")) {
            return Long.parseLong(epoch);
        }
        return 0;
    }

    /**
     * Writes the archive, trailer included, and reports progress over the files' bytes. The
     * output stream is flushed, not closed.
     */
    public StreamStats write(List<ImageEntry> entries, OutputStream out, EventSink events) throws IOException {
        return write(List.of(), entries, out, events);
    }

    /**
     * Writes an incremental build's archive: first a removal for each of {@code removed}, in the
     * order given (deepest first, so a folder is empty when its turn comes), then {@code entries}.
     * A removal is a character device 0:0 without data, the whiteout overlayfs uses; only jcap's
     * init in incremental build mode honours it (docs/guest-protocol.md).
     */
    public StreamStats write(List<GuestPath> removed, List<ImageEntry> entries, OutputStream out, EventSink events)
            throws IOException {
        // How many names each file has among the written entries: its link count.
        Map<ImageEntry.RegularFile, Integer> names = new HashMap<>();
        for (ImageEntry e : entries) {
            if (name(e) != null) {
                ImageEntry.inode(e).ifPresent(f -> names.merge(f, 1, Integer::sum));
            }
        }
        long totalContent = 0;
        for (ImageEntry.RegularFile f : names.keySet()) {
            totalContent += f.content().size();
        }
        Map<ImageEntry.RegularFile, Long> written = new HashMap<>();
        Map<ImageEntry.RegularFile, Sha256> digests = new HashMap<>();
        StreamStats.Counter counter = new StreamStats.Counter(out, streamDigest);
        // The archives are not closed: closing would close the caller's stream (a socket).
        // Removals go through an archive object of their own, never finished (no trailer): a path
        // whose type changed is removed and then sent again under the same name, which one
        // archive object refuses as a duplicate. Each entry ends on a 4-byte boundary, so the
        // entries' archive goes on where the removals' ended, as one newc stream.
        CpioArchiveOutputStream removals = new CpioArchiveOutputStream(counter, CpioConstants.FORMAT_NEW,
                CpioConstants.BLOCK_SIZE, StandardCharsets.UTF_8.name());
        long inode = 1;
        long entryCount = 0;
        Progress progress = new Progress(events, totalContent);
        byte[] buffer = new byte[COPY_BUFFER];
        for (GuestPath path : removed) {
            if (path.isRoot()) {
                throw new IllegalArgumentException("the image root cannot be removed");
            }
            CpioArchiveEntry header = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, path.value());
            header.setInode(inode++);
            header.setMode(CpioConstants.C_ISCHR);
            header.setNumberOfLinks(1);
            header.setTime(mtimeSeconds);
            header.setSize(0);
            removals.putArchiveEntry(header);
            removals.closeArchiveEntry();
            entryCount++;
        }
        CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(counter, CpioConstants.FORMAT_NEW,
                CpioConstants.BLOCK_SIZE, StandardCharsets.UTF_8.name());
        for (ImageEntry entry : entries) {
            String name = name(entry);
            if (name == null) {
                continue;
            }
            CpioArchiveEntry header = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
            header.setUID(entry.owner().uid());
            header.setGID(entry.owner().gid());
            header.setTime(mtimeSeconds);
            entryCount++;
            ImageEntry.RegularFile file = ImageEntry.inode(entry).orElse(null);
            Long first = file == null ? null : written.get(file);
            header.setInode(first != null ? first : inode++);
            if (first != null) {
                // A further name of a file already sent: same inode, no bytes.
                header.setMode(CpioConstants.C_ISREG | file.mode());
                header.setNumberOfLinks(names.get(file));
                header.setSize(0);
                cpio.putArchiveEntry(header);
                cpio.closeArchiveEntry();
                if (fileDigests != null) {
                    fileDigests.accept(entry.path(), digests.get(file));
                }
                continue;
            }
            if (entry instanceof ImageEntry.Directory d) {
                header.setMode(CpioConstants.C_ISDIR | d.mode());
                header.setNumberOfLinks(2);
                header.setSize(0);
                cpio.putArchiveEntry(header);
            } else if (entry instanceof ImageEntry.Symlink s) {
                byte[] target = s.target().getBytes(StandardCharsets.UTF_8);
                header.setMode(CpioConstants.C_ISLNK | 0777);
                header.setNumberOfLinks(1);
                header.setSize(target.length);
                cpio.putArchiveEntry(header);
                cpio.write(target);
            } else if (file != null) {
                written.put(file, header.getInode());
                HoleMap map = holes ? FileBytes.holes(file, entry) : null;
                header.setMode(CpioConstants.C_ISREG | file.mode());
                header.setNumberOfLinks(names.get(file));
                header.setSize(map == null ? file.content().size() : map.encodedSize());
                header.setChksum(map == null ? 0 : HoleMap.MARK);
                cpio.putArchiveEntry(header);
                MessageDigest digest = fileDigests == null ? null : Sha256.newDigest();
                FileBytes.copy(file, entry, map, cpio, buffer, new HoleMap.Sink() {
                    @Override
                    public void data(byte[] bytes, int length) {
                        if (digest != null) {
                            digest.update(bytes, 0, length);
                        }
                        progress.add(length);
                    }

                    @Override
                    public void zeros(long length) {
                        counter.hole(length);
                        for (long left = length; digest != null && left > 0; left -= ZEROS.length) {
                            digest.update(ZEROS, 0, (int) Math.min(ZEROS.length, left));
                        }
                        progress.add(length);
                    }
                });
                if (digest != null) {
                    digests.put(file, Sha256.of(digest));
                    fileDigests.accept(entry.path(), digests.get(file));
                }
            }
            cpio.closeArchiveEntry();
        }
        cpio.finish();
        // The entries' archive padded its own bytes to a block; the stream as a whole ends on one.
        long tail = counter.bytes() % CpioConstants.BLOCK_SIZE;
        if (tail != 0) {
            counter.write(new byte[(int) (CpioConstants.BLOCK_SIZE - tail)]);
        }
        counter.flush();
        if (totalContent == 0) {
            events.progress("Streaming files", 0, 0);
        }
        return counter.stats(entryCount);
    }

    /** The files' bytes done, holes included, against all of them: the stream's progress. */
    private static final class Progress {
        private final EventSink events;
        private final long total;
        private long done;

        Progress(EventSink events, long total) {
            this.events = events;
            this.total = total;
        }

        void add(long bytes) {
            if (bytes > 0) {
                done += bytes;
                events.progress("Streaming files", done, total);
            }
        }
    }

    /**
     * Why {@code entries} cannot be streamed to {@code receiver} (as the message names it, e.g. "the
     * builder guest"), or empty when every file fits: checked before a guest boots, since newc's
     * 32-bit sizes would otherwise fail the stream only once it is up.
     */
    public static java.util.Optional<String> tooBig(Iterable<? extends ImageEntry> entries, String receiver) {
        try {
            return tooBig(entries, receiver, false);
        } catch (SourceException e) {
            throw new IllegalStateException("no file is read without holes", e);
        }
    }

    /**
     * The same for a stream {@link #withHoles}: a larger file fits when its data, its zero runs
     * left out, does (each such file is read to find them).
     */
    public static java.util.Optional<String> tooBig(Iterable<? extends ImageEntry> entries, String receiver,
            boolean holes) throws SourceException {
        return tooBig(entries, receiver, holes, MAX_FILE_BYTES);
    }

    /** The same against another limit than newc's (a test's, which needs no file of 4 GiB). */
    static java.util.Optional<String> tooBig(Iterable<? extends ImageEntry> entries, String receiver, boolean holes,
            long limit) throws SourceException {
        for (ImageEntry e : entries) {
            if (e instanceof ImageEntry.RegularFile f && f.content().size() > limit) {
                HoleMap map = holes ? FileBytes.holes(f, e) : null;
                if (map != null && map.encodedSize() <= limit) {
                    continue;
                }
                return java.util.Optional.of("the file " + e.path() + " is " + f.content().size() + " bytes,"
                        + (map == null ? "" : " " + map.dataBytes() + " of them outside runs of zeros,") + " and a"
                        + " file streamed into " + receiver + " holds at most " + limit + " bytes"
                        + (holes ? " besides its runs of zeros of 64 KiB or more" : "") + " (the stream is a newc"
                        + " cpio, whose sizes are 32-bit)");
            }
        }
        return java.util.Optional.empty();
    }

    /** Writes the archive into memory (an initramfs, a test). */
    public byte[] toBytes(List<ImageEntry> entries) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        write(entries, out, EventSink.NONE);
        return out.toByteArray();
    }

    private String name(ImageEntry entry) {
        String path = entry.path().value();
        return switch (nameStyle) {
            case ABSOLUTE -> path;
            case ABSOLUTE_WITHOUT_ROOT -> entry.path().isRoot() ? null : path;
            case RELATIVE -> entry.path().isRoot() ? null : path.substring(1);
        };
    }
}
