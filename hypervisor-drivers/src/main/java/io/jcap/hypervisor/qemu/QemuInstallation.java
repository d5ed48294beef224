package io.jcap.hypervisor.qemu;

import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The QEMU binaries jcap runs: {@code qemu-system-x86_64} from {@code JCAP_QEMU} or the PATH,
 * {@code qemu-img} next to it or on the PATH, and the version.
 *
 * <pre>{@code
 * QemuInstallation qemu = QemuInstallation.detect();
 * QemuImg img = new QemuImg(qemu.qemuImg());
 * }</pre>
 */
public final class QemuInstallation {
    /** The environment variable naming the qemu-system-x86_64 binary to use. */
    public static final String ENV_VAR = "JCAP_QEMU";

    static final String NOT_FOUND =
            "QEMU not found: install qemu-system-x86 (apt-get install qemu-system-x86) or set JCAP_QEMU";
    private static final String SYSTEM_BINARY = "qemu-system-x86_64";
    private static final String IMG_BINARY = "qemu-img";

    private final Path qemuSystem;
    private final Optional<Path> qemuImg;
    private final QemuVersion version;

    public QemuInstallation(Path qemuSystem, Optional<Path> qemuImg, QemuVersion version) {
        this.qemuSystem = qemuSystem;
        this.qemuImg = qemuImg;
        this.version = version;
    }

    /** Finds QEMU through the process environment. */
    public static QemuInstallation detect() throws EnvironmentException {
        return detect(System.getenv());
    }

    /**
     * Like {@link #detect()}, but the version comes from a small file in {@code cacheDir} while
     * the binary is unchanged, instead of from running {@code qemu-system-x86_64 --version} each
     * time (a run's start-up spends a process spawn on it otherwise).
     */
    public static QemuInstallation detect(Path cacheDir) throws EnvironmentException {
        return detect(System.getenv(), Optional.of(cacheDir));
    }

    /** Finds QEMU through {@code env}: {@code JCAP_QEMU} first, then {@code PATH}; checks the version. */
    public static QemuInstallation detect(Map<String, String> env) throws EnvironmentException {
        return detect(env, Optional.empty());
    }

    static QemuInstallation detect(Map<String, String> env, Optional<Path> cacheDir) throws EnvironmentException {
        Path system = locateSystem(env);
        Optional<Path> img = executable(system.resolveSibling(IMG_BINARY)).or(() -> onPath(env, IMG_BINARY));
        QemuVersion version = cacheDir.isPresent() ? cachedVersion(system, new QemuVersionCache(cacheDir.get()))
                : QemuVersion.parse(readVersion(system));
        requireSupported(version, system);
        return new QemuInstallation(system, img, version);
    }

    private static QemuVersion cachedVersion(Path system, QemuVersionCache cache) throws EnvironmentException {
        Optional<String> key = QemuVersionCache.key(system);
        Optional<String> cached = key.flatMap(cache::lookup);
        if (cached.isPresent()) {
            try {
                return QemuVersion.parse(cached.get());
            } catch (EnvironmentException e) {
                // a damaged entry: ask the binary, whose answer replaces it
            }
        }
        String output = readVersion(system);
        QemuVersion version = QemuVersion.parse(output);
        key.ifPresent(k -> cache.store(k, output.strip().lines().findFirst().orElse("")));
        return version;
    }

    /**
     * Whether {@code qemu-img} is on {@code PATH}, for a check that could not find QEMU itself
     * (its sibling is looked for first once QEMU is found).
     */
    public static boolean qemuImgOnPath(Map<String, String> env) {
        return onPath(env, IMG_BINARY).isPresent();
    }

    static Path locateSystem(Map<String, String> env) throws EnvironmentException {
        String configured = env.get(ENV_VAR);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return executable(path).orElseThrow(() -> new EnvironmentException(ENV_VAR + " names " + configured
                    + " which is not an executable file: point it at qemu-system-x86_64 or unset it"));
        }
        return onPath(env, SYSTEM_BINARY).orElseThrow(() -> new EnvironmentException(NOT_FOUND));
    }

    static void requireSupported(QemuVersion version, Path binary) throws EnvironmentException {
        if (!version.isAtLeast(QemuVersion.MINIMUM)) {
            throw new EnvironmentException("QEMU " + version + " at " + binary + " is too old: jcap needs "
                    + QemuVersion.MINIMUM.major() + "." + QemuVersion.MINIMUM.minor()
                    + " or newer; install a newer qemu-system-x86 or set JCAP_QEMU");
        }
    }

    /** What {@code system --version} prints. */
    private static String readVersion(Path system) throws EnvironmentException {
        HostTool.Result result;
        try {
            result = HostTool.run(List.of(system.toString(), "--version"), Duration.ofSeconds(20));
        } catch (EnvironmentException e) {
            throw e;
        } catch (JcapException e) {
            throw new EnvironmentException(system + " --version failed: " + e.getMessage(), e);
        }
        if (result.exitCode() != 0) {
            throw new EnvironmentException(system + " --version failed with exit code " + result.exitCode() + ": "
                    + result.stderr().strip() + "; set JCAP_QEMU to a working qemu-system-x86_64");
        }
        return result.stdout();
    }

    private static Optional<Path> onPath(Map<String, String> env, String name) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Optional<Path> found = executable(Path.of(dir, name));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> executable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path)
                ? Optional.of(path.toAbsolutePath()) : Optional.empty();
    }

    public Path qemuSystem() {
        return qemuSystem;
    }

    public QemuVersion version() {
        return version;
    }

    /** The qemu-img binary; running VMs does not need it, building and converting images does. */
    public Path qemuImg() throws EnvironmentException {
        return qemuImg.orElseThrow(() -> new EnvironmentException("qemu-img not found next to " + qemuSystem
                + " or on PATH: install qemu-utils (apt-get install qemu-utils)"));
    }

    @Override
    public String toString() {
        return "QEMU " + version + " at " + qemuSystem;
    }
}
