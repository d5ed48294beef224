package io.jcap.testsupport;

import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Image trees and a synthetic OSv loader image for ROFS tests. */
public final class RofsSamples {
    public static final byte[] HOSTS = bytes(513, 'h');
    public static final byte[] HELLO = bytes(512, 'x');

    private RofsSamples() {
    }

    /**
     * Nested folders, an empty file, files of 512 and 513 bytes, two symbolic links and a
     * non-ASCII name; the root and its folders are left implicit except /app/lib (mode 0700).
     */
    public static List<ImageEntry> tree() {
        return List.of(
                new ImageEntry.RegularFile(GuestPath.of("/etc/empty"), 0644, FileContent.of(new byte[0])),
                new ImageEntry.RegularFile(GuestPath.of("/etc/hosts"), 0644, FileContent.of(HOSTS)),
                new ImageEntry.Directory(GuestPath.of("/app/lib"), 0700),
                new ImageEntry.RegularFile(GuestPath.of("/app/lib/héllo"), 0755, FileContent.of(HELLO)),
                new ImageEntry.Symlink(GuestPath.of("/app/run"), "lib/héllo"),
                new ImageEntry.Symlink(GuestPath.of("/bin"), "/app/lib"));
    }

    /**
     * The layout of {@link RofsSamples#tree()}, computed by hand.
     *
     * <pre>
     * inodes, breadth-first, children by UTF-8 name:
     *  1 /              dir  0755  entries 0..2
     *  2 /app           dir  0755  entries 3..4
     *  3 /bin           link       symlink 0 "/app/lib"
     *  4 /etc           dir  0755  entries 5..6
     *  5 /app/lib       dir  0700  entry 7
     *  6 /app/run       link       symlink 1 "lib/héllo"
     *  7 /etc/empty     file 0644  block 1, 0 bytes (no block)
     *  8 /etc/hosts     file 0644  blocks 1-2, 513 bytes
     *  9 /app/lib/héllo file 0755  block 3, 512 bytes
     * directory entries: 8 x 10 bytes + names (3+3+3+3+3+5+5+6) = 111 bytes
     * symlinks: 2+8 + 2+10 = 22 bytes; inodes: 9 x 32 = 288 bytes; structure 421 bytes = 1 block
     * superblock: magic, 1, 512, first block 4, 1 block, 8 entries, 2 links, 9 inodes
     * </pre>
     */
    public static byte[] expectedSample() {
        ByteBuffer b = ByteBuffer.allocate(5 * 512).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0xDEADBEADL).putLong(1).putLong(512).putLong(4).putLong(1).putLong(8).putLong(2).putLong(9);
        b.position(512).put(HOSTS);
        b.position(3 * 512).put(HELLO);
        b.position(4 * 512);
        String[] names = {"app", "bin", "etc", "lib", "run", "empty", "hosts", "héllo"};
        for (int i = 0; i < names.length; i++) {
            byte[] name = utf8(names[i]);
            b.putLong(i + 2).putShort((short) name.length).put(name);
        }
        for (String target : List.of("/app/lib", "lib/héllo")) {
            byte[] t = utf8(target);
            b.putShort((short) t.length).put(t);
        }
        long[][] inodes = {
            {0x41ED, 1, 0, 3}, {0x41ED, 2, 3, 2}, {0xA1FF, 3, 0, 1}, {0x41ED, 4, 5, 2}, {0x41C0, 5, 7, 1},
            {0xA1FF, 6, 1, 1}, {0x81A4, 7, 1, 0}, {0x81A4, 8, 1, 513}, {0x81ED, 9, 3, 512},
        };
        for (long[] inode : inodes) {
            for (long field : inode) {
                b.putLong(field);
            }
        }
        if (b.position() != 4 * 512 + 421) {
            throw new AssertionError("the expected sample is " + b.position() + " bytes long");
        }
        return b.array();
    }

    public static byte[] bytes(int length, char seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i % 23);
        }
        return b;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
