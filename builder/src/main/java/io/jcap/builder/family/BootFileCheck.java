package io.jcap.builder.family;

import io.jcap.host.FileDigests;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A check of the boot files an image keeps beside its disk (a kernel for direct boots) against the
 * SHA-256 sums recorded when the image was built, running beside the rest of a run's preparation
 * ({@link FileDigests}: a host tool in its own process), started by {@link #start}, its verdict
 * given by {@link #await}.
 *
 * <pre>{@code
 * BootFileCheck check = BootFileCheck.start(boot, Map.of("vmlinuz", kernelSum));
 * // ... prepare the run ...
 * check.await("hello");   // throws when a file changed since the build
 * }</pre>
 */
public final class BootFileCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path folder;
    private final Map<String, Sha256> recorded;
    private final FileDigests.Running digests;

    private BootFileCheck(Path folder, Map<String, Sha256> recorded, FileDigests.Running digests) {
        this.folder = folder;
        this.recorded = Map.copyOf(recorded);
        this.digests = digests;
    }

    /** Starts checking the files of {@code folder} named in {@code recorded} against their sums. */
    public static BootFileCheck start(Path folder, Map<String, Sha256> recorded) {
        return new BootFileCheck(folder, recorded, FileDigests.start(FileDigests.Algorithm.SHA256, folder,
                recorded.keySet().stream().sorted().toList()));
    }

    /** Returns once every file matches its sum; a mismatch is an error naming the file. */
    public void await(String image) throws JcapException {
        Map<String, String> actual;
        try {
            actual = digests.await(TIMEOUT);
        } catch (JcapException e) {
            throw new JcapException("cannot read the direct-boot files in " + folder + ": " + e.getMessage(), e);
        }
        for (String file : recorded.keySet().stream().sorted().toList()) {
            if (!recorded.get(file).hex().equals(actual.get(file))) {
                throw new JcapException("image '" + image + "': " + folder.resolve(file)
                        + " does not match the SHA-256 recorded when the image was built: build it again with"
                        + " jcap build --force, or run it with --boot disk");
            }
        }
    }

    /** Lines of {@code sha256sum}: 64 hex digits, two spaces (or a space and '*'), the file name. */
    public static Map<String, Sha256> parseSums(String text) {
        Map<String, Sha256> sums = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.length() < 67 || line.charAt(64) != ' ') {
                throw new IllegalArgumentException("not a sha256sum line: '" + line + "'");
            }
            sums.put(line.substring(66).strip(), new Sha256(line.substring(0, 64)));
        }
        return sums;
    }
}
