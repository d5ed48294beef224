package io.jcap.builder.family;

import io.jcap.host.FileDigests;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    private final CompletableFuture<FileDigests.Running> digests = new CompletableFuture<>();

    private BootFileCheck(Path folder, Map<String, Sha256> recorded) {
        this.folder = folder;
        this.recorded = Map.copyOf(recorded);
    }

    /**
     * Starts checking the files of {@code folder} named in {@code recorded} against their sums. The
     * tool's process is started on a thread of its own: a JVM's first process start costs it 10-20
     * ms (the process classes' set-up, the environment copied), which the caller's preparation of
     * the run would otherwise wait for.
     */
    public static BootFileCheck start(Path folder, Map<String, Sha256> recorded) {
        BootFileCheck check = new BootFileCheck(folder, recorded);
        List<String> names = recorded.keySet().stream().sorted().toList();
        Thread starter = new Thread(() -> {
            try {
                check.digests.complete(FileDigests.start(FileDigests.Algorithm.SHA256, folder, names));
            } catch (RuntimeException | Error e) {
                check.digests.completeExceptionally(e);
            }
        }, "jcap-boot-file-check");
        starter.setDaemon(true);
        starter.start();
        return check;
    }

    /** Returns once every file matches its sum; a mismatch is an error naming the file. */
    public void await(String image) throws JcapException {
        Map<String, String> actual;
        try {
            actual = started().await(TIMEOUT);
        } catch (JcapException e) {
            throw new JcapException("cannot read the direct-boot files in " + folder + ": " + e.getMessage(), e);
        }
        for (String file : recorded.keySet().stream().sorted().toList()) {
            if (!recorded.get(file).hex().equals(actual.get(file))) {
                throw new JcapException("image '" + image + "': " + folder.resolve(file)
                        + " does not match the SHA-256 recorded when the image was built: build it again with"
                        + " jcap build --force" + (shared(folder.resolve(file))
                                ? " (the file is shared with the kernel store, where that kernel is damaged as well:"
                                        + " the build says how to get it again)" : "")
                        + ", or run it with --boot disk");
            }
        }
    }

    /**
     * Whether {@code file} has other names: a kernel hard-linked from the kernel store (see
     * {@code DirectBoot.stage}), whose damage is the store's too.
     */
    private static boolean shared(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() > 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The digests once their tool started (at once, on a machine that is not stuck). */
    private FileDigests.Running started() throws JcapException {
        try {
            return digests.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcapException("interrupted while checking the direct-boot files in " + folder, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the check of the direct-boot files in " + folder + " failed to start",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new JcapException("the check of the direct-boot files in " + folder + " did not start within "
                    + TIMEOUT.toSeconds() + " s", e);
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
