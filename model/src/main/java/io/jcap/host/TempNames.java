package io.jcap.host;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * New owner-only files with names no other file has, made as {@code mkstemp(3)} makes them: a random
 * number from a fast generator in the name, the file created only if nothing (no file, no link)
 * has that name, another number if something has. {@code Files.createTempFile} draws the number
 * from a {@code SecureRandom}, whose set-up costs 10-20 ms of a command's start; a name someone
 * could guess gains them nothing, since an existing name is never used.
 *
 * <pre>{@code
 * Path temp = TempNames.newFile(folder, ".image.json-", ".tmp");   // .image.json-8123...-.tmp, rw-------
 * }</pre>
 */
public final class TempNames {
    /** How many taken names are passed over before giving up. */
    static final int ATTEMPTS = 16;
    /** The names' numbers: a per-thread generator seeded from the clocks, no {@code SecureRandom}. */
    static final LongSupplier NUMBERS = () -> ThreadLocalRandom.current().nextLong();

    private TempNames() {
    }

    /** A new empty file {@code PREFIX<number>SUFFIX} in {@code folder}, readable and writable by its owner only. */
    public static Path newFile(Path folder, String prefix, String suffix) throws IOException {
        return newFile(folder, prefix, suffix, NUMBERS);
    }

    /** As {@link #newFile(Path, String, String)}, the names' numbers drawn from {@code numbers}. */
    static Path newFile(Path folder, String prefix, String suffix, LongSupplier numbers) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path file = folder.resolve(prefix + Long.toUnsignedString(numbers.getAsLong()) + suffix);
            try {
                return Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
