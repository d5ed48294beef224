package io.jcap.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's own views, {@code /proc} and {@code /sys}: their files say they are empty (their
 * content is made when read), so an image must not take them as files.
 *
 * <pre>{@code
 * KernelViews.of(Path.of("/proc/sys/kernel/random/poolsize"));   // Optional[proc]
 * }</pre>
 */
public final class KernelViews {
    private KernelViews() {
    }

    /** {@code proc} or {@code sys} when {@code path}, as named or with its links followed, lies in one. */
    public static Optional<Path> of(Path path) {
        Path real = path;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            // what cannot be resolved is reported where it is read
        }
        for (Path p : List.of(path, real)) {
            if (p.startsWith("/proc") || p.startsWith("/sys")) {
                return Optional.of(p.subpath(0, 1));
            }
        }
        return Optional.empty();
    }
}
