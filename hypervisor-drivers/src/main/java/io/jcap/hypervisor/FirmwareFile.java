package io.jcap.hypervisor;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A file the guest can read from QEMU's firmware configuration device (fw_cfg), the way jcap
 * hands run-time settings to its guest init without touching the disk.
 *
 * <pre>{@code
 * FirmwareFile settings = new FirmwareFile("opt/io.jcap/config", Path.of("settings"));
 * }</pre>
 *
 * @param name the fw_cfg name; names of users' files start with {@code opt/} and are at most
 *     55 bytes (the directory entry holds 56 with the NUL)
 */
public record FirmwareFile(String name, Path file) {
    private static final Pattern NAME = Pattern.compile("opt/[A-Za-z0-9._/-]{1,51}");

    public FirmwareFile {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("fw_cfg name must be opt/ followed by 1 to 51 letters, digits, '.', '_',"
                    + " '-' or '/', got " + name);
        }
        if (file == null) {
            throw new IllegalArgumentException("a fw_cfg entry needs a file");
        }
        file = file.toAbsolutePath();
    }
}
