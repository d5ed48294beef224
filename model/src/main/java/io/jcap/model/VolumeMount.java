package io.jcap.model;

import java.util.regex.Pattern;

/**
 * A volume of one run ({@code jcap run --volume}): a disk whose ext2/3/4 file system the guest mounts on
 * one of the image's folders, so that what the application writes there outlives the run. The
 * source is a named volume of jcap's store (made on first use) or a disk image file on this
 * machine (a source with a {@code /} in it).
 *
 * <pre>{@code
 * VolumeMount.parse("data:/var/lib/app");       // named volume "data", read-write
 * VolumeMount.parse("./seed.img:/seed:ro");      // a disk image file, read-only
 * }</pre>
 */
public record VolumeMount(String source, String guestFolder, boolean readOnly) {
    /** A named volume: letters, digits, '_', '.' and '-', starting with a letter or digit. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    /** What {@link #parse} takes, for messages. */
    public static final String EXPECTED = "NAME:/FOLDER or FILE:/FOLDER, optionally with :ro (data:/var/lib/app,"
            + " ./disk.img:/data:ro); a FILE has a / in it";

    public VolumeMount {
        if (source == null || source.isEmpty()) {
            throw new IllegalArgumentException("a volume needs a source: " + EXPECTED);
        }
        if (!source.contains("/") && !NAME.matcher(source).matches()) {
            throw new IllegalArgumentException("volume name '" + source + "' is not allowed: use letters, digits, '_',"
                    + " '.' and '-', starting with a letter or digit, at most 63 (a file's path has a / in it:"
                    + " ./" + source + ")");
        }
        checkFolder(guestFolder);
    }

    /**
     * Parses {@code SOURCE:/FOLDER} with an optional {@code :ro} or {@code :rw}.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static VolumeMount parse(String text) {
        String rest = text == null ? "" : text;
        boolean readOnly = false;
        if (rest.endsWith(":ro") || rest.endsWith(":rw")) {
            readOnly = rest.endsWith(":ro");
            rest = rest.substring(0, rest.length() - 3);
        }
        int colon = rest.lastIndexOf(":/");
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a volume: use " + EXPECTED);
        }
        return new VolumeMount(rest.substring(0, colon), rest.substring(colon + 1), readOnly);
    }

    /** Whether the source names a volume of jcap's store rather than a file. */
    public boolean named() {
        return !source.contains("/");
    }

    /** {@code SOURCE:/FOLDER}, with {@code :ro} when read-only; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return source + ":" + guestFolder + (readOnly ? ":ro" : "");
    }

    /**
     * The guest init's rule: an absolute folder other than /, without empty, . or .. parts (a
     * normalised {@link GuestPath}), nor control characters (the folder ends a settings line).
     */
    private static void checkFolder(String folder) {
        if (folder == null || folder.equals("/") || !normalised(folder)
                || folder.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("volume folder '" + folder + "' is not allowed: use an absolute folder"
                    + " of the guest other than /, without empty, . or .. parts (/data, /var/lib/app)");
        }
    }

    private static boolean normalised(String folder) {
        try {
            return GuestPath.of(folder).toString().equals(folder);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
