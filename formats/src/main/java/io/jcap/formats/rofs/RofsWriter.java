package io.jcap.formats.rofs;

import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes an image's files as OSv's read-only file system (ROFS), reproducibly: the same entries
 * in any order give the same bytes.
 *
 * <p>Layout: the superblock in block 0; from block 1 the regular files' contents, each starting
 * on a new block and zero-padded to a whole block (an empty file takes no block; its offset is
 * the block where the next data would go, as in OSv's own generator); then the structure area,
 * zero-padded to a whole block: directory entries, symbolic-link targets, 32-byte inodes.
 *
 * <p>Order: inodes are numbered breadth-first from the root (inode 1), a folder's children in
 * the byte order of their UTF-8 names. Folders take their directory entries in inode order, so
 * directory entry {@code i} always names inode {@code i + 2}; file contents and symlink targets
 * follow inode order too. An inode's mode is the type (0x4000 folder, 0x8000 file, 0xA000 link)
 * with the entry's permission bits, which OSv ignores (it shows 0555) but jcap's reader reports.
 *
 * <pre>{@code
 * RofsWriter rofs = RofsWriter.of(tree.entries());
 * long bytes = rofs.sizeBytes();
 * rofs.write(disk, partitionStart, EventSink.NONE);
 * }</pre>
 */
public final class RofsWriter {
    /** Longest name OSv's readdir passes on whole (its dirent name holds 255 bytes and a NUL). */
    public static final int MAX_NAME_BYTES = 255;
    /** A symbolic link's target length is a uint16. */
    public static final int MAX_TARGET_BYTES = 0xFFFF;
    private static final int BLOCK = RofsSuperblock.BLOCK_SIZE;
    private static final int COPY_BUFFER = 1 << 16;
    private static final Comparator<Node> BY_NAME = (a, b) -> Arrays.compareUnsigned(a.name, b.name);

    private final List<Node> inodes;
    private final RofsSuperblock superblock;
    private final byte[] structure;
    private final long contentBytes;

    private static final class Node {
        final ImageEntry entry;
        final byte[] name;
        final List<Node> children = new ArrayList<>();
        long number;
        long dataOffset;
        long count;

        Node(ImageEntry entry, byte[] name) {
            this.entry = entry;
            this.name = name;
        }

        int type() {
            if (entry instanceof ImageEntry.Directory) {
                return RofsInode.DIRECTORY;
            }
            return entry instanceof ImageEntry.Symlink ? RofsInode.SYMLINK : RofsInode.REGULAR;
        }
    }

    private RofsWriter(Node root) throws RofsException {
        inodes = new ArrayList<>();
        root.number = 1;
        inodes.add(root);
        long directoryEntries = 0;
        long structureBytes = 0;
        for (int i = 0; i < inodes.size(); i++) {
            Node node = inodes.get(i);
            if (node.type() == RofsInode.DIRECTORY) {
                node.children.sort(BY_NAME);
                node.dataOffset = directoryEntries;
                node.count = node.children.size();
                directoryEntries += node.children.size();
                for (Node child : node.children) {
                    child.number = inodes.size() + 1L;
                    inodes.add(child);
                    structureBytes += 8 + 2 + child.name.length;
                }
            }
        }
        long block = 1;
        long symlinks = 0;
        long content = 0;
        for (Node node : inodes) {
            if (node.entry instanceof ImageEntry.Symlink link) {
                node.dataOffset = symlinks++;
                node.count = 1;
                structureBytes += 2 + target(link).length;
            } else if (node.entry instanceof ImageEntry.RegularFile file) {
                long size = file.content().size();
                node.dataOffset = block;
                node.count = size;
                block += blocks(size);
                content += size;
            }
        }
        structureBytes += (long) RofsInode.SIZE * inodes.size();
        long structureBlocks = blocks(structureBytes);
        if (structureBlocks * BLOCK > Integer.MAX_VALUE - BLOCK) {
            throw new RofsException("the image has too many files for one ROFS structure area (" + inodes.size()
                    + " entries): split it or use ZFS");
        }
        contentBytes = content;
        superblock = RofsSuperblock.of(block, structureBlocks, directoryEntries, symlinks, inodes.size());
        structure = structure((int) (structureBlocks * BLOCK));
    }

    /** Lays out the entries of {@code tree}. */
    public static RofsWriter of(ImageTree tree) throws RofsException {
        return of(tree.entries());
    }

    /**
     * Lays out {@code entries} (any order; missing parent folders are added with mode 0755, as
     * in an {@link ImageTree}). File sizes are taken now; the contents are read by {@link #write}.
     *
     * @throws RofsException if a path appears twice, a name or link target is too long for ROFS,
     *     or an entry sits inside a file
     */
    public static RofsWriter of(List<ImageEntry> entries) throws RofsException {
        // OSv's ROFS reader has no link counts: a hard link is written as a copy of its file.
        List<ImageEntry> sorted = new ArrayList<>(ImageEntry.HardLink.asCopies(entries));
        sorted.sort(Comparator.comparing(ImageEntry::path));
        Set<GuestPath> seen = new HashSet<>();
        ImageTree tree = new ImageTree();
        for (ImageEntry e : sorted) {
            if (!seen.add(e.path())) {
                throw new RofsException("the image lists " + e.path() + " twice: give each path once");
            }
            try {
                tree.add(e);
            } catch (IllegalArgumentException bad) {
                throw new RofsException(bad.getMessage());
            }
        }
        Map<GuestPath, Node> nodes = new TreeMap<>();
        Node root = null;
        for (ImageEntry e : tree.entries()) {
            Node node = new Node(e, name(e));
            if (e instanceof ImageEntry.Symlink link && target(link).length > MAX_TARGET_BYTES) {
                throw new RofsException("cannot put symbolic link " + e.path() + " in ROFS: its target is "
                        + target(link).length + " bytes long and ROFS holds at most " + MAX_TARGET_BYTES);
            }
            nodes.put(e.path(), node);
            if (e.path().isRoot()) {
                if (!(e instanceof ImageEntry.Directory)) {
                    throw new RofsException("the image root / must be a folder");
                }
                root = node;
            } else {
                nodes.get(e.path().parent()).children.add(node);
            }
        }
        return new RofsWriter(root);
    }

    public RofsSuperblock superblock() {
        return superblock;
    }

    /** The file system's size: whole blocks from the superblock to the end of the structure area. */
    public long sizeBytes() {
        return superblock.totalBlocks() * BLOCK;
    }

    /** The inodes in number order (inode {@code n} at index {@code n - 1}), as they will be written. */
    public List<RofsInode> inodes() {
        List<RofsInode> result = new ArrayList<>(inodes.size());
        for (Node n : inodes) {
            result.add(inode(n));
        }
        return result;
    }

    /** Writes the file system into {@code file} from byte {@code offset} (the file is not truncated). */
    public void write(Path file, long offset, EventSink events) throws RofsException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            write(ch, offset, events);
        } catch (IOException e) {
            throw new RofsException("cannot write ROFS into " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes all {@link #sizeBytes()} bytes of the file system from byte {@code offset} of
     * {@code ch}: every byte is written, padding included, so old contents never show through.
     */
    public void write(FileChannel ch, long offset, EventSink events) throws IOException, RofsException {
        writeAt(ch, offset, superblock.toBlock(), superblock.toBlock().length);
        byte[] buffer = new byte[COPY_BUFFER];
        long done = 0;
        for (Node node : inodes) {
            if (node.entry instanceof ImageEntry.RegularFile file) {
                copy(file, ch, offset + node.dataOffset * BLOCK, buffer);
                done += file.content().size();
                events.progress("Writing ROFS", done, contentBytes);
            }
        }
        writeAt(ch, offset + superblock.structureFirstBlock() * BLOCK, structure, structure.length);
        events.progress("Writing ROFS", contentBytes, contentBytes);
    }

    private static void copy(ImageEntry.RegularFile file, FileChannel ch, long position, byte[] buffer)
            throws IOException, RofsException {
        FileContent content = file.content();
        long remaining = content.size();
        try (InputStream in = content.open()) {
            while (remaining > 0) {
                int want = (int) Math.min(buffer.length, remaining);
                int got = in.readNBytes(buffer, 0, want);
                if (got < want) {
                    throw changed(file, content.size() - remaining + got);
                }
                int padded = (int) blocks(want) * BLOCK;
                Arrays.fill(buffer, want, padded, (byte) 0);
                writeAt(ch, position, buffer, padded);
                position += padded;
                remaining -= want;
            }
            if (in.read() >= 0) {
                throw changed(file, -1);
            }
        }
    }

    private static RofsException changed(ImageEntry.RegularFile file, long read) {
        String source = file.content() instanceof FileContent.HostFile host ? " (" + host.path() + ")" : "";
        String what = read < 0 ? "more than " + file.content().size() + " bytes" : read + " bytes";
        return new RofsException(file.path() + source + " changed while the image was written: expected "
                + file.content().size() + " bytes, read " + what + "; build again");
    }

    private byte[] structure(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (Node node : inodes) {
            for (Node child : node.children) {
                b.putLong(child.number).putShort((short) child.name.length).put(child.name);
            }
        }
        for (Node node : inodes) {
            if (node.entry instanceof ImageEntry.Symlink link) {
                byte[] target = target(link);
                b.putShort((short) target.length).put(target);
            }
        }
        for (Node node : inodes) {
            inode(node).writeTo(b);
        }
        return b.array();
    }

    private static RofsInode inode(Node n) {
        return new RofsInode(n.type() | n.entry.mode(), n.number, n.dataOffset, n.count);
    }

    private static byte[] name(ImageEntry e) throws RofsException {
        byte[] name = e.path().fileName().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_NAME_BYTES) {
            throw new RofsException("cannot put " + e.path() + " in ROFS: its name is " + name.length
                    + " bytes long (UTF-8) and ROFS names hold at most " + MAX_NAME_BYTES + ": shorten it");
        }
        return name;
    }

    private static byte[] target(ImageEntry.Symlink link) {
        return link.target().getBytes(StandardCharsets.UTF_8);
    }

    static long blocks(long bytes) {
        return (bytes + BLOCK - 1) / BLOCK;
    }

    private static void writeAt(FileChannel ch, long position, byte[] bytes, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
        while (b.hasRemaining()) {
            ch.write(b, position + b.position());
        }
    }
}
