package io.jcap.hypervisor.qemu;

import io.jcap.model.EnvironmentException;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU version as {@code qemu-system-x86_64 --version} reports it.
 *
 * <pre>{@code
 * QemuVersion v = QemuVersion.parse("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7)");
 * v.isAtLeast(QemuVersion.MINIMUM); // true
 * }</pre>
 */
public record QemuVersion(int major, int minor, int micro) implements Comparable<QemuVersion> {
    /** The oldest QEMU jcap runs with (Ubuntu 22.04 ships 6.2). */
    public static final QemuVersion MINIMUM = new QemuVersion(6, 2, 0);

    private static final Pattern VERSION = Pattern.compile("version (\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final Comparator<QemuVersion> ORDER = Comparator.comparingInt(QemuVersion::major)
            .thenComparingInt(QemuVersion::minor).thenComparingInt(QemuVersion::micro);

    public QemuVersion {
        if (major < 0 || minor < 0 || micro < 0) {
            throw new IllegalArgumentException("version parts must not be negative: " + major + "." + minor + "." + micro);
        }
    }

    /** Reads the version from the first line of {@code --version} output. */
    public static QemuVersion parse(String versionOutput) throws EnvironmentException {
        String firstLine = versionOutput.strip().lines().findFirst().orElse("");
        Matcher m = VERSION.matcher(firstLine);
        if (!m.find()) {
            throw new EnvironmentException("cannot read the QEMU version from '" + firstLine
                    + "': expected 'QEMU emulator version X.Y.Z'; set JCAP_QEMU to a qemu-system-x86_64 binary");
        }
        int micro = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return new QemuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), micro);
    }

    public boolean isAtLeast(QemuVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(QemuVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
