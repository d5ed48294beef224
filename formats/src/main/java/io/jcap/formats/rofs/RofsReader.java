package io.jcap.formats.rofs;

import io.jcap.formats.mbr.BootRecord;
import io.jcap.formats.mbr.PartitionEntry;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Reads an OSv ROFS, in a disk image's file-system partition or at any byte offset of a file:
 * lists its entries and reads files. Every table access is bounds-checked, and names that could
 * leave the image root ({@code ..}, slashes) are refused, so a damaged or hostile file system is
 * reported, never followed.
 *
 * <pre>{@code
 * try (RofsReader rofs = RofsReader.openDisk(Path.of("image.raw"))) {
 *     for (RofsEntry e : rofs.list(GuestPath.of("/app"))) { ... }
 *     byte[] hello = rofs.readFile(GuestPath.of("/app/hello"));
 * }
 * }</pre>
 */
public final class RofsReader implements AutoCloseable {
    private static final int BLOCK = RofsSuperblock.BLOCK_SIZE;

    private final FileChannel ch;
    private final String where;
    private final long offset;
    private final RofsSuperblock superblock;
    private final List<DirectoryEntry> directoryEntries;
    private final List<String> symlinks;
    private final List<RofsInode> inodes;

    /** An entry of the directory-entry table: a name and the inode it names. */
    public record DirectoryEntry(long inode, String name) {
    }

    private RofsReader(FileChannel ch, String where, long offset) throws IOException, RofsException {
        this.ch = ch;
        this.where = where;
        this.offset = offset;
        if (ch.size() - offset < BLOCK) {
            throw new RofsException(where + " holds no ROFS file system: fewer than 512 bytes there");
        }
        superblock = RofsSuperblock.parse(read(offset, BLOCK));
        check(superblock);
        byte[] structure = read(offset + superblock.structureFirstBlock() * BLOCK,
                (int) (superblock.structureBlockCount() * BLOCK));
        ByteBuffer b = ByteBuffer.wrap(structure).order(ByteOrder.LITTLE_ENDIAN);
        try {
            List<DirectoryEntry> entries = new ArrayList<>();
            for (long i = 0; i < superblock.directoryEntryCount(); i++) {
                long inode = b.getLong();
                entries.add(new DirectoryEntry(inode, text(b)));
            }
            List<String> links = new ArrayList<>();
            for (long i = 0; i < superblock.symlinkCount(); i++) {
                links.add(text(b));
            }
            List<RofsInode> table = new ArrayList<>();
            for (long i = 0; i < superblock.inodeCount(); i++) {
                table.add(RofsInode.read(b));
            }
            directoryEntries = Collections.unmodifiableList(entries);
            symlinks = Collections.unmodifiableList(links);
            inodes = Collections.unmodifiableList(table);
        } catch (BufferUnderflowException e) {
            throw damaged("its tables run past the structure area's " + superblock.structureBlockCount() + " blocks");
        }
        if (inodes.isEmpty() || inodes.get(0).type() != RofsInode.DIRECTORY) {
            throw damaged("inode 1 is not the root folder");
        }
    }

    /** Opens the ROFS that starts at byte {@code offset} of {@code file}. */
    public static RofsReader open(Path file, long offset) throws RofsException {
        String where = file + " at byte " + offset;
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            return new RofsReader(ch, where, offset);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new RofsException("cannot read ROFS in " + where + ": " + e.getMessage(), e);
        } catch (RofsException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** Opens the ROFS in the file-system partition (MBR entry 2) of an OSv disk image. */
    public static RofsReader openDisk(Path disk) throws JcapException {
        PartitionEntry partition = BootRecord.read(disk).partition(2);
        if (!partition.usedByOsv()) {
            throw new RofsException(disk + " has no file-system partition: MBR entry 2 is empty");
        }
        return open(disk, partition.startBytes());
    }

    public RofsSuperblock superblock() {
        return superblock;
    }

    /** The inode table, inode {@code n} at index {@code n - 1}. */
    public List<RofsInode> inodes() {
        return inodes;
    }

    public List<DirectoryEntry> directoryEntries() {
        return directoryEntries;
    }

    public List<String> symlinks() {
        return symlinks;
    }

    /** Every entry, the root folder first, in guest-path order. */
    public List<RofsEntry> list() throws RofsException {
        List<RofsEntry> result = new ArrayList<>();
        boolean[] seen = new boolean[inodes.size()];
        Deque<RofsEntry> pending = new ArrayDeque<>();
        pending.add(entry(GuestPath.ROOT, 1));
        seen[0] = true;
        while (!pending.isEmpty()) {
            RofsEntry e = pending.poll();
            result.add(e);
            if (e.type() == RofsEntry.Type.DIRECTORY) {
                for (RofsEntry child : children(e)) {
                    if (seen[(int) child.inode() - 1]) {
                        throw damaged("inode " + child.inode() + " is reachable twice");
                    }
                    seen[(int) child.inode() - 1] = true;
                    pending.add(child);
                }
            }
        }
        result.sort((a, b) -> a.path().compareTo(b.path()));
        return result;
    }

    /** A folder's children in guest-path order, or the entry itself when {@code path} is not a folder. */
    public List<RofsEntry> list(GuestPath path) throws RofsException {
        RofsEntry e = entry(path).orElseThrow(() -> new RofsException(path + " is not in the image (" + where + ")"));
        if (e.type() != RofsEntry.Type.DIRECTORY) {
            return List.of(e);
        }
        List<RofsEntry> children = children(e);
        children.sort((a, b) -> a.path().compareTo(b.path()));
        return children;
    }

    /** The entry at {@code path}, without following symbolic links. */
    public Optional<RofsEntry> entry(GuestPath path) throws RofsException {
        RofsEntry current = entry(GuestPath.ROOT, 1);
        for (String name : path.isRoot() ? List.<String>of() : Arrays.asList(path.value().substring(1).split("/"))) {
            if (current.type() != RofsEntry.Type.DIRECTORY) {
                return Optional.empty();
            }
            RofsEntry next = null;
            for (RofsEntry child : children(current)) {
                if (child.path().fileName().equals(name)) {
                    next = child;
                    break;
                }
            }
            if (next == null) {
                return Optional.empty();
            }
            current = next;
        }
        return Optional.of(current);
    }

    /** The bytes of the regular file at {@code path}. */
    public byte[] readFile(GuestPath path) throws RofsException {
        RofsEntry e = entry(path).orElseThrow(() -> new RofsException(path + " is not in the image (" + where + ")"));
        if (e.type() != RofsEntry.Type.FILE) {
            throw new RofsException(path + " is a " + (e.type() == RofsEntry.Type.DIRECTORY ? "folder" : "symbolic link")
                    + ", not a file");
        }
        if (e.size() > Integer.MAX_VALUE - 8) {
            throw new RofsException(path + " is " + e.size() + " bytes, too big to read into memory");
        }
        RofsInode inode = inodes.get((int) e.inode() - 1);
        try {
            return read(offset + inode.dataOffset() * BLOCK, (int) e.size());
        } catch (IOException ex) {
            throw new RofsException("cannot read " + path + " from " + where + ": " + ex.getMessage(), ex);
        }
    }

    private List<RofsEntry> children(RofsEntry dir) throws RofsException {
        RofsInode inode = inodes.get((int) dir.inode() - 1);
        if (inode.dataOffset() < 0 || inode.count() < 0
                || inode.dataOffset() + inode.count() > directoryEntries.size()) {
            throw damaged("folder " + dir.path() + " points past the directory-entry table");
        }
        List<RofsEntry> result = new ArrayList<>();
        for (long i = inode.dataOffset(); i < inode.dataOffset() + inode.count(); i++) {
            DirectoryEntry d = directoryEntries.get((int) i);
            String name = d.name();
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                    || name.indexOf('\0') >= 0 || name.indexOf('\n') >= 0) {
                throw damaged("folder " + dir.path() + " holds the name '" + name + "'");
            }
            result.add(entry(dir.path().resolve(name), d.inode()));
        }
        return result;
    }

    private RofsEntry entry(GuestPath path, long number) throws RofsException {
        if (number < 1 || number > inodes.size()) {
            throw damaged(path + " names inode " + number + " of " + inodes.size());
        }
        RofsInode inode = inodes.get((int) number - 1);
        return switch (inode.type()) {
            case RofsInode.DIRECTORY -> new RofsEntry(path, RofsEntry.Type.DIRECTORY, inode.permissions(), 0, null, number);
            case RofsInode.REGULAR -> {
                if (inode.count() < 0 || inode.dataOffset() < 1) {
                    throw damaged("file " + path + " has offset " + inode.dataOffset() + " and size " + inode.count());
                }
                yield new RofsEntry(path, RofsEntry.Type.FILE, inode.permissions(), inode.count(), null, number);
            }
            case RofsInode.SYMLINK -> {
                if (inode.dataOffset() < 0 || inode.dataOffset() >= symlinks.size()) {
                    throw damaged("symbolic link " + path + " points past the symlink table");
                }
                String target = symlinks.get((int) inode.dataOffset());
                yield new RofsEntry(path, RofsEntry.Type.SYMLINK, inode.permissions(),
                        target.getBytes(StandardCharsets.UTF_8).length, target, number);
            }
            default -> throw damaged(path + " has the unknown mode 0x" + Long.toHexString(inode.mode()));
        };
    }

    private void check(RofsSuperblock sb) throws IOException, RofsException {
        if (sb.magic() != RofsSuperblock.MAGIC) {
            throw new RofsException(String.format("%s holds no ROFS file system (magic 0x%X, expected 0xDEADBEAD)",
                    where, sb.magic()));
        }
        if (sb.version() != RofsSuperblock.VERSION || sb.blockSize() != BLOCK) {
            throw new RofsException(where + " holds ROFS version " + sb.version() + " with " + sb.blockSize()
                    + "-byte blocks; jcap reads version 1 with 512-byte blocks");
        }
        long available = (ch.size() - offset) / BLOCK;
        if (sb.structureFirstBlock() < 1 || sb.structureBlockCount() < 1 || sb.structureBlockCount() > available
                || sb.structureFirstBlock() > available - sb.structureBlockCount()
                || sb.structureBlockCount() * BLOCK > Integer.MAX_VALUE - 8) {
            throw damaged("its structure area (blocks " + sb.structureFirstBlock() + " + " + sb.structureBlockCount()
                    + ") does not fit the " + available + " blocks there");
        }
        long tableBytes = sb.structureBlockCount() * BLOCK;
        if (sb.directoryEntryCount() < 0 || sb.symlinkCount() < 0 || sb.inodeCount() < 1
                || sb.directoryEntryCount() > tableBytes / 10 || sb.symlinkCount() > tableBytes / 2
                || sb.inodeCount() > tableBytes / RofsInode.SIZE) {
            throw damaged("its table counts do not fit its structure area");
        }
    }

    private RofsException damaged(String what) {
        return new RofsException("the ROFS in " + where + " is damaged: " + what);
    }

    private static String text(ByteBuffer b) {
        int length = b.getShort() & 0xFFFF;
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private byte[] read(long position, int length) throws IOException {
        if (position < 0 || position > ch.size() - length) {
            throw new IOException("bytes " + position + ".." + (position + length) + " lie past the end of the file ("
                    + ch.size() + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + b.position()));
            }
        }
        return b.array();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the open failed already; that error is the one to report
            }
        }
    }

    @Override
    public void close() throws RofsException {
        try {
            ch.close();
        } catch (IOException e) {
            throw new RofsException("cannot close " + where + ": " + e.getMessage(), e);
        }
    }
}
