package io.jcap.builder.rofs;

import io.jcap.model.GuestPath;
import io.jcap.streamer.FileContent;
import io.jcap.streamer.ImageEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Image trees and a synthetic OSv loader image for ROFS tests. */
final class RofsSamples {
    static final byte[] HOSTS = bytes(513, 'h');
    static final byte[] HELLO = bytes(512, 'x');

    private RofsSamples() {
    }

    /**
     * Nested folders, an empty file, files of 512 and 513 bytes, two symbolic links and a
     * non-ASCII name; the root and its folders are left implicit except /app/lib (mode 0700).
     */
    static List<ImageEntry> tree() {
        return List.of(
                new ImageEntry.RegularFile(GuestPath.of("/etc/empty"), 0644, FileContent.of(new byte[0])),
                new ImageEntry.RegularFile(GuestPath.of("/etc/hosts"), 0644, FileContent.of(HOSTS)),
                new ImageEntry.Directory(GuestPath.of("/app/lib"), 0700),
                new ImageEntry.RegularFile(GuestPath.of("/app/lib/héllo"), 0755, FileContent.of(HELLO)),
                new ImageEntry.Symlink(GuestPath.of("/app/run"), "lib/héllo"),
                new ImageEntry.Symlink(GuestPath.of("/bin"), "/app/lib"));
    }

    static byte[] bytes(int length, char seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i % 23);
        }
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A 300 KiB OSv loader image: boot sector (55 AA, kernel-size field 8), ELF header at 64 KiB. */
    static byte[] loader() {
        byte[] image = new byte[300 * 1024];
        image[0x10] = 8;
        image[510] = 0x55;
        image[511] = (byte) 0xAA;
        image[65536] = 0x7F;
        image[65537] = 'E';
        image[65538] = 'L';
        image[65539] = 'F';
        for (int i = 65540; i < image.length; i++) {
            image[i] = (byte) (i * 7);
        }
        return image;
    }
}
