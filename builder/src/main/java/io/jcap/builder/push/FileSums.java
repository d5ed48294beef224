package io.jcap.builder.push;

import io.jcap.host.FileDigests;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The SHA-256 and SHA-512 of a file being pushed, computed beside the upload by host tools in
 * their own processes ({@link FileDigests}): under jcap's client compiler a Java SHA-512 reads
 * ~100 MB/s and would hold the upload back, while the tools read several hundred MB/s and more on
 * the other core.
 *
 * <pre>{@code
 * FileSums sums = FileSums.start(file);
 * upload(file);
 * FileSums.Sums s = sums.await();   // s.sha512() to compare with what the target stored
 * }</pre>
 */
public final class FileSums {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Path file;
    private final FileDigests.Running sha256;
    private final FileDigests.Running sha512;

    /**
     * The digests of a file.
     *
     * @param sha512 128 lower-case hex digits
     */
    public record Sums(Sha256 sha256, String sha512) {
    }

    private FileSums(Path file, FileDigests.Running sha256, FileDigests.Running sha512) {
        this.file = file;
        this.sha256 = sha256;
        this.sha512 = sha512;
    }

    /** Starts digesting {@code file}. */
    public static FileSums start(Path file) {
        Path absolute = file.toAbsolutePath();
        List<String> name = List.of(absolute.toString());
        return new FileSums(absolute, FileDigests.start(FileDigests.Algorithm.SHA256, absolute.getParent(), name),
                FileDigests.start(FileDigests.Algorithm.SHA512, absolute.getParent(), name));
    }

    /** Waits for the digests. */
    public Sums await() throws JcapException {
        String name = file.toString();
        return new Sums(new Sha256(sha256.await(TIMEOUT).get(name)), sha512.await(TIMEOUT).get(name));
    }

    /**
     * Waits for the digests and checks the SHA-256 against {@code recorded}, the repository's record
     * of the file at build time.
     *
     * @throws JcapException naming both digests when the file changed since its build
     */
    public Sums awaitUnchanged(Sha256 recorded) throws JcapException {
        Sums sums = await();
        requireRecorded(file, sums.sha256(), recorded);
        return sums;
    }

    /**
     * Refuses an image file whose SHA-256 ({@code actual}) is not the one the repository recorded
     * at build time, for every push target (the registry's takes the digest itself).
     */
    public static void requireRecorded(Path file, Sha256 actual, Sha256 recorded) throws JcapException {
        if (!actual.equals(recorded)) {
            throw new JcapException("image file " + file + " changed since it was built (its SHA-256 is " + actual
                    + ", the repository recorded " + recorded + "): build it again");
        }
    }

    /** Stops the digests of a push that failed. */
    public void stop() {
        sha256.stop();
        sha512.stop();
    }
}
