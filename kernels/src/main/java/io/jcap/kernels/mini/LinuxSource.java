package io.jcap.kernels.mini;

import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's kernel source package as installed: {@code /usr/src/linux-source-6.1.tar.xz} of
 * package {@code linux-source-6.1} at its Debian version. No download site is involved: the
 * source comes from the system's package client like Debian's kernels.
 *
 * <pre>{@code
 * LinuxSource src = LinuxSource.find(LinuxSource.DEBIAN_FOLDER); // linux-source-6.1=6.1.192-3
 * }</pre>
 *
 * @param tarball the source tarball
 * @param packageName such as {@code linux-source-6.1}
 * @param version the package's Debian version, such as {@code 6.1.192-3}
 */
public record LinuxSource(Path tarball, String packageName, String version) {
    /** Where Debian's {@code linux-source-*} packages put their tarball. */
    public static final Path DEBIAN_FOLDER = Path.of("/usr/src");
    /** The package to install when there is none; its config fragment is made for 6.1. */
    public static final String DEBIAN_PACKAGE = "linux-source-6.1";
    private static final Pattern TARBALL = Pattern.compile("(linux-source-(\\d+)\\.(\\d+))\\.tar\\.xz");

    /** {@code linux-source-6.1=6.1.192-3}: the source's part of a stored kernel's origin. */
    public String label() {
        return packageName + "=" + version;
    }

    /**
     * The newest {@code linux-source-X.Y.tar.xz} in {@code folder}, with its package's version
     * from dpkg.
     *
     * @throws EnvironmentException when there is none, naming the package to install
     */
    public static LinuxSource find(Path folder) throws JcapException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "linux-source-*.tar.xz")) {
                entries.forEach(p -> {
                    if (TARBALL.matcher(p.getFileName().toString()).matches()) {
                        found.add(p);
                    }
                });
            } catch (IOException e) {
                throw new JcapException("cannot list " + folder + ": " + e.getMessage(), e);
            }
        }
        Path tarball = found.stream().max(Comparator.comparingInt(LinuxSource::sortKey)).orElseThrow(() ->
                new EnvironmentException("no Linux source package in " + folder + " (linux-source-X.Y.tar.xz): "
                        + "apt-get install " + DEBIAN_PACKAGE));
        Matcher m = TARBALL.matcher(tarball.getFileName().toString());
        m.matches();
        String packageName = m.group(1);
        return new LinuxSource(tarball, packageName, packageVersion(packageName));
    }

    private static int sortKey(Path tarball) {
        Matcher m = TARBALL.matcher(tarball.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(2)) * 1000 + Integer.parseInt(m.group(3));
    }

    /** The installed version; a tarball dpkg does not know (copied in by hand) is refused. */
    private static String packageVersion(String packageName) throws JcapException {
        HostTool.Result r = HostTool.run(List.of("dpkg-query", "-W", "-f=${Version}", packageName), Duration.ofSeconds(30));
        String version = r.stdout().strip();
        if (r.exitCode() != 0 || version.isEmpty()) {
            throw new EnvironmentException("dpkg does not know the package " + packageName + " of "
                    + DEBIAN_FOLDER.resolve(packageName + ".tar.xz") + " (" + r.lastErrorLine()
                    + "): install it with apt-get install " + packageName);
        }
        return version;
    }
}
