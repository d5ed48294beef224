package io.jcap.builder.repository;

import java.util.regex.Pattern;

/** Image names: what {@code jcap build --name} accepts and {@code jcap run} looks up. */
public final class ImageName {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private ImageName() {
    }

    /** Checks a name, returning it, or throws with what is allowed. */
    public static String check(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("image name '" + name + "' is not allowed: use 1 to 63 lower-case"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /**
     * The default image name for a project folder: its name, lower-cased, other characters as '-'.
     * A relative folder is named as the shell names it: {@code jcap build} in a symbolic link to a
     * folder takes the link's name, as the prompt shows it (and as Capstan does). So the folder is
     * given as the user gave it, not made absolute by the JVM first (which resolves every link of
     * the current folder).
     */
    public static String forFolder(java.nio.file.Path projectDir) {
        java.nio.file.Path fileName = io.jcap.host.WorkingFolder.absolute(projectDir).getFileName();
        return fileName == null ? "image" : from(fileName.toString());
    }

    /**
     * A name made of any text (a folder's name, a registry repository and tag): lower-cased, other
     * characters than those allowed as '-', what does not start with a letter or digit dropped,
     * at most 63 characters; {@code image} when nothing is left.
     */
    public static String from(String text) {
        String cleaned = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "-")
                .replaceAll("^[^a-z0-9]+", "");
        if (cleaned.isEmpty()) {
            cleaned = "image";
        }
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }
}
