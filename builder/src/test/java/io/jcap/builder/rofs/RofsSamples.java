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
}
