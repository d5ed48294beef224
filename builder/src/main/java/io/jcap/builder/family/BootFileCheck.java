package io.jcap.builder.family;

import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A check of the boot files an image keeps beside its disk (a kernel for direct boots) against the
 * SHA-256 sums recorded when the image was built, running beside the rest of a run's preparation:
 * {@code sha256sum} in its own process (a Java digest when it cannot be started), started by
 * {@link #start}, its verdict given by {@link #await}.
 *
 * <pre>{@code
 * BootFileCheck check = BootFileCheck.start(boot, Map.of("vmlinuz", kernelSum));
 * // ... prepare the run ...
 * check.await("hello");   // throws when a file changed since the build
 * }</pre>
 */
public final class BootFileCheck {
    /** sha256sum reads ~350 MB/s here (SHA extensions); a Java digest under the client compiler ~100 MB/s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path folder;
    private final Map<String, Sha256> recorded;
    private final HostTool.Running process;

    private BootFileCheck(Path folder, Map<String, Sha256> recorded, HostTool.Running process) {
        this.folder = folder;
        this.recorded = Map.copyOf(recorded);
        this.process = process;
    }

    /** Starts checking the files of {@code folder} named in {@code recorded} against their sums. */
    public static BootFileCheck start(Path folder, Map<String, Sha256> recorded) {
        List<String> command = new ArrayList<>(List.of("sha256sum", "--"));
        command.addAll(recorded.keySet().stream().sorted().toList());
        HostTool.Running started;
        try {
            started = HostTool.start(command, folder);
        } catch (EnvironmentException e) {
            started = null;
        }
        return new BootFileCheck(folder, recorded, started);
    }

    /** Returns once every file matches its sum; a mismatch is an error naming the file. */
    public void await(String image) throws JcapException {
        Map<String, Sha256> actual = process == null ? javaSums() : processSums();
        for (String file : recorded.keySet().stream().sorted().toList()) {
            if (!recorded.get(file).equals(actual.get(file))) {
                throw new JcapException("image '" + image + "': " + folder.resolve(file)
                        + " does not match the SHA-256 recorded when the image was built: build it again with"
                        + " jcap build --force, or run it with --boot disk");
            }
        }
    }

    private Map<String, Sha256> processSums() throws JcapException {
        HostTool.Result result = process.await(TIMEOUT);
        try {
            return result.exitCode() == 0 ? parseSums(result.stdout()) : javaSums();
        } catch (IllegalArgumentException e) {
            return javaSums();
        }
    }

    private Map<String, Sha256> javaSums() throws JcapException {
        Map<String, Sha256> sums = new HashMap<>();
        try {
            for (String file : recorded.keySet()) {
                sums.put(file, Sha256.of(folder.resolve(file)));
            }
        } catch (IOException e) {
            throw new JcapException("cannot read the direct-boot files in " + folder + ": " + e.getMessage(), e);
        }
        return sums;
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
