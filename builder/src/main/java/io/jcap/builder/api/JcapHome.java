package io.jcap.builder.api;

import io.jcap.host.TempFiles;
import io.jcap.model.EnvironmentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * jcap's home folder ({@code $JCAP_HOME}, else {@code ~/.jcap}): kernels, images, caches and
 * the temporary files of builds and runs, all on one file system so that finished work moves
 * into place atomically.
 *
 * <pre>{@code
 * JcapHome home = JcapHome.fromEnvironment();
 * Path images = home.images();
 * }</pre>
 */
public record JcapHome(Path root) {
    public JcapHome {
        root = root.toAbsolutePath().normalize();
    }

    /** {@code $JCAP_HOME} when set, else {@code ~/.jcap}. */
    public static JcapHome fromEnvironment() {
        String env = System.getenv("JCAP_HOME");
        if (env != null && !env.isBlank()) {
            return new JcapHome(Path.of(env));
        }
        return new JcapHome(Path.of(System.getProperty("user.home"), ".jcap"));
    }

    /**
     * Refuses a home that exists and is not a folder (a regular file, a device): every path in it
     * would then be missing, and commands would report empty lists or missing images and kernels
     * instead. A missing home is fine: it is made on first use.
     */
    public JcapHome check() throws EnvironmentException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new EnvironmentException("JCAP_HOME (" + root + ") is not a folder: set JCAP_HOME to a folder"
                    + " (a missing one is made on first use), or move what is there away");
        }
        return this;
    }

    public Path kernels() {
        return root.resolve("kernels");
    }

    public Path images() {
        return root.resolve("images");
    }

    public Path cache() {
        return root.resolve("cache");
    }

    /** Named volumes ({@code jcap run --volume NAME:/folder}, {@code jcap volume}): one disk file each. */
    public Path volumes() {
        return root.resolve("volumes");
    }

    public Path instances() {
        return root.resolve("instances");
    }

    /** Where builds and runs keep their temporary files (cleaned when they end). */
    public Path tmp() {
        return root.resolve("tmp");
    }

    /** Like {@link #newTempDir} for callers that report failures as jcap errors. */
    public Path newWorkDir(String prefix) throws io.jcap.model.JcapException {
        try {
            return newTempDir(prefix);
        } catch (IOException e) {
            throw new io.jcap.model.JcapException("could not create a temporary folder in " + tmp() + ": "
                    + io.jcap.model.FailureReason.withFile(e), e);
        }
    }

    /**
     * A new owner-only temporary folder under {@link #tmp()}, locked by this process while it
     * lives; the first one of a process sweeps the folders of jcap processes that died
     * ({@link TempFiles#create}).
     */
    public Path newTempDir(String prefix) throws IOException {
        return TempFiles.create(tmp(), prefix);
    }
}
