package io.jcap.hypervisor.qemu;

import io.jcap.host.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Remembers what {@code qemu-system-x86_64 --version} said, so that a run need not start QEMU
 * once just to ask. The entry is keyed by the binary's real path, size, modification time and
 * file key (device and inode): installing another QEMU changes at least one of them. Anything
 * that does not match, or does not read as an entry, is a miss, and the caller asks the binary.
 */
final class QemuVersionCache {
    /** The file's name in the cache folder. */
    static final String FILE = "qemu-version.txt";
    private static final String FORMAT = "jcap qemu-version 1";
    /** Far more than an entry takes; a bigger file is not one of ours. */
    private static final long MAX_BYTES = 64 * 1024;

    private final Path file;

    QemuVersionCache(Path cacheDir) {
        this.file = cacheDir.resolve(FILE);
    }

    /** What identifies {@code binary} as it is now; empty when it cannot be read (then nothing is cached). */
    static Optional<String> key(Path binary) {
        try {
            Path real = binary.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            return Optional.of(real + " " + a.size() + " " + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + " "
                    + a.fileKey());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The version line stored for {@code key}, if the file holds an entry for exactly that key. */
    Optional<String> lookup(String key) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file);
            if (lines.size() == 3 && lines.get(0).equals(FORMAT) && lines.get(1).equals(key)) {
                return Optional.of(lines.get(2));
            }
        } catch (IOException e) {
            // missing, unreadable or not text: a miss like any other
        }
        return Optional.empty();
    }

    /**
     * Stores {@code versionLine} for {@code key}, replacing the file atomically so that a reader
     * sees the old entry or the new one. A cache that cannot be written only costs the next run a
     * {@code --version}, so failures are left at that.
     */
    void store(String key, String versionLine) {
        if (key.contains("\n") || versionLine.contains("\n")) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Durable.writeAtomically(file, (FORMAT + "\n" + key + "\n" + versionLine + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Left at that: the next run asks QEMU again.
        }
    }
}
