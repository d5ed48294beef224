package io.jcap.host;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The SHA-256 of a large file, by {@code sha256sum} in its own process, or a Java digest when the
 * tool cannot run or answers something else. bin/jcap's JVM runs the client compiler only (start-up
 * first), which has no SHA intrinsic: a Java digest read a 114 MB image in 0.92 s here, sha256sum
 * in 0.37 s (docs/benchmarks-stream.md).
 *
 * <pre>{@code
 * Sha256 digest = FileSha256.of(image);
 * }</pre>
 */
public final class FileSha256 {
    /** Minutes for files of many GB; anything slower is stuck. */
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private FileSha256() {
    }

    /** The file's SHA-256; an unreadable file is an {@link IOException}, as {@link Sha256#of(Path)} says it. */
    public static Sha256 of(Path file) throws IOException, JcapException {
        Path absolute = file.toAbsolutePath();
        HostTool.Result result;
        try {
            result = HostTool.run(List.of("sha256sum", "--", absolute.toString()), absolute.getParent(), TIMEOUT);
        } catch (EnvironmentException e) {
            return Sha256.of(file);
        }
        String out = result.stdout();
        if (result.exitCode() == 0 && out.length() > 64 && out.substring(0, 64).matches("[0-9a-f]{64}")) {
            return new Sha256(out.substring(0, 64));
        }
        // A sha256sum that failed (an unreadable file) gets the Java digest's own error.
        return Sha256.of(file);
    }
}
