package io.jcap.kernels;

import io.jcap.host.FileTrees;
import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resolves and downloads Debian packages by name with the machine's own package tools
 * ({@code apt-cache}, {@code apt-get download}), so that the machine's sources, mirrors,
 * proxies and signatures apply. Packages are never fetched by URL.
 *
 * <pre>{@code
 * AptClient apt = new AptClient();
 * String versioned = apt.depends("linux-image-cloud-amd64").get(0); // "linux-image-6.1.0-56-cloud-amd64"
 * Path deb = apt.download(versioned, cacheFolder);
 * }</pre>
 */
public final class AptClient {
    /** How long a download or query may take before it is stopped. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");

    private final String aptGet;
    private final String aptCache;
    private final Duration timeout;

    public AptClient() {
        this("apt-get", "apt-cache", DEFAULT_TIMEOUT);
    }

    /**
     * @param aptGet the {@code apt-get} command (a name looked up on {@code PATH}, or a path)
     * @param aptCache the {@code apt-cache} command
     */
    public AptClient(String aptGet, String aptCache, Duration timeout) {
        this.aptGet = aptGet;
        this.aptCache = aptCache;
        this.timeout = timeout;
    }

    /**
     * The packages the candidate version of {@code pkg} depends on (pre-dependencies and
     * dependencies; of alternatives only the first, left out when it is a virtual package), as
     * {@code apt-cache depends} lists them.
     */
    public List<String> depends(String pkg) throws JcapException {
        checkName(pkg);
        HostTool.Result result = apt(List.of(executable(aptCache), "depends", "--no-recommends",
                "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", pkg),
                Path.of("/"));
        if (result.exitCode() != 0 || result.stdout().isBlank()) {
            if (result.stderr().contains("No packages found")) {
                throw unknownPackage(pkg);
            }
            throw new EnvironmentException("apt-cache depends " + pkg + " failed (exit " + result.exitCode() + "): "
                    + result.lastErrorLine());
        }
        List<String> names = new ArrayList<>();
        // "|Depends: a" marks an alternative with more to follow; the group ends at a line without "|".
        boolean inGroup = false;
        for (String line : result.stdout().split("\n")) {
            String trimmed = line.strip();
            boolean continues = trimmed.startsWith("|");
            String field = continues ? trimmed.substring(1) : trimmed;
            if (!field.startsWith("Depends:") && !field.startsWith("PreDepends:")) {
                continue;
            }
            boolean first = !inGroup;
            inGroup = continues;
            String name = field.substring(field.indexOf(':') + 1).strip();
            if (first && !name.startsWith("<") && !names.contains(name)) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Downloads the candidate version of {@code pkg} into {@code folder} (created when missing)
     * and returns the {@code .deb}. An earlier download of the same file is replaced.
     *
     * @throws EnvironmentException when apt is missing, the package is unknown or the download fails
     */
    public Path download(String pkg, Path folder) throws JcapException {
        checkName(pkg);
        String command = executable(aptGet);
        Path staging;
        try {
            Files.createDirectories(folder);
            staging = Files.createTempDirectory(folder, ".apt-download-");
        } catch (IOException e) {
            throw new JcapException("cannot create a download folder in " + folder + ": " + e.getMessage(), e);
        }
        try {
            HostTool.Result result = apt(List.of(command, "download", "-q", pkg), staging);
            if (result.exitCode() != 0) {
                if (result.stderr().contains("Unable to locate package") || !known(pkg)) {
                    throw unknownPackage(pkg);
                }
                throw new EnvironmentException("apt-get download " + pkg + " failed (exit " + result.exitCode()
                        + "): " + result.lastErrorLine());
            }
            Path deb = singleDeb(pkg, staging);
            Path target = folder.resolve(deb.getFileName());
            Files.move(deb, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new JcapException("cannot store the download of " + pkg + " in " + folder + ": " + e.getMessage(), e);
        } finally {
            FileTrees.deleteQuietly(staging);
        }
    }

    private boolean known(String pkg) throws JcapException {
        HostTool.Result policy = apt(List.of(executable(aptCache), "policy", pkg), Path.of("/"));
        return !policy.stdout().isBlank();
    }

    private static Path singleDeb(String pkg, Path staging) throws IOException, JcapException {
        List<Path> debs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(staging, "*.deb")) {
            files.forEach(debs::add);
        }
        if (debs.size() != 1) {
            throw new EnvironmentException("apt-get download " + pkg + " left " + debs.size()
                    + " .deb files instead of one in " + staging);
        }
        return debs.get(0);
    }

    private String executable(String command) throws EnvironmentException {
        return HostTool.find(command).map(Path::toString).orElseThrow(() -> new EnvironmentException(
                command + " is not installed on this machine: jcap downloads Linux kernels as Debian packages with "
                        + "apt; elsewhere, import a kernel with 'jcap kernels import FILE' (a .deb or a bzImage)"));
    }

    private static EnvironmentException unknownPackage(String pkg) {
        return new EnvironmentException("Debian package " + pkg + " is unknown to apt on this machine: run "
                + "'apt-get update' (as root) and try again");
    }

    private static void checkName(String pkg) throws JcapException {
        if (pkg == null || !PACKAGE_NAME.matcher(pkg).matches()) {
            throw new JcapException("'" + pkg + "' is not a Debian package name (lower-case letters, digits, + - .)");
        }
    }

    /** Runs an apt tool within the client's bound; a time-out is most often the network or apt's sources. */
    private HostTool.Result apt(List<String> command, Path folder) throws JcapException {
        try {
            return HostTool.run(command, folder, timeout);
        } catch (HostTool.TimedOut e) {
            throw new JcapException(e.getMessage() + "; check the network and the apt configuration", e);
        }
    }
}
