package io.jcap.formats.fat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 11-byte 8.3 form of a name, as a directory entry stores it: up to 8 characters, an optional
 * dot and up to 3 more, each padded with spaces. Only upper-case letters, digits and
 * {@code ! # $ % & ' ( ) - @ ^ _ ` { } ~} are taken, so that the name is the same for every
 * reader, with no long-name entry needed.
 */
final class ShortName {
    static final String RULE = "an 8.3 name has 1 to 8 characters, optionally a dot and 1 to 3 more, of A-Z 0-9"
            + " ! # $ % & ' ( ) - @ ^ _ ` { } ~ (upper-case only)";
    private static final String SPECIAL = "!#$%&'()-@^_`{}~";

    private ShortName() {
    }

    /** The 11 bytes of {@code name}; {@code path} names the file in the error. */
    static byte[] encode(String name, String path) {
        int dot = name.indexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String extension = dot < 0 ? "" : name.substring(dot + 1);
        if (base.isEmpty() || base.length() > 8 || (dot >= 0 && (extension.isEmpty() || extension.length() > 3))
                || !allowed(base) || !allowed(extension)) {
            throw new IllegalArgumentException("'" + name + "' in " + path + " is not an 8.3 name: " + RULE);
        }
        byte[] bytes = new byte[11];
        Arrays.fill(bytes, (byte) ' ');
        byte[] b = base.getBytes(StandardCharsets.US_ASCII);
        byte[] e = extension.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, bytes, 0, b.length);
        System.arraycopy(e, 0, bytes, 8, e.length);
        return bytes;
    }

    /** The 11 bytes of a volume label: 1 to 11 name characters or spaces, not starting with a space. */
    static byte[] label(String label) {
        if (label.isEmpty() || label.length() > 11 || label.startsWith(" ") || !allowed(label.replace(" ", ""))) {
            throw new IllegalArgumentException("volume label '" + label + "' is not allowed: use 1 to 11 characters of"
                    + " A-Z 0-9 ! # $ % & ' ( ) - @ ^ _ ` { } ~ and spaces, not starting with a space");
        }
        byte[] bytes = new byte[11];
        Arrays.fill(bytes, (byte) ' ');
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(l, 0, bytes, 0, l.length);
        return bytes;
    }

    /** The name as a reader shows it: trailing spaces dropped, a dot before a non-empty extension. */
    static String decode(byte[] entry, int offset) {
        String base = new String(entry, offset, 8, StandardCharsets.US_ASCII).stripTrailing();
        String extension = new String(entry, offset + 8, 3, StandardCharsets.US_ASCII).stripTrailing();
        return extension.isEmpty() ? base : base + "." + extension;
    }

    private static boolean allowed(String part) {
        return part.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || SPECIAL.indexOf(c) >= 0);
    }
}
