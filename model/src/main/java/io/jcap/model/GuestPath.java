package io.jcap.model;

import java.util.ArrayList;
import java.util.List;

/**
 * An absolute, normalised path inside an image, such as {@code /app/hello}. It never escapes the
 * image root: {@code /../x} and {@code /a/../../x} are rejected, {@code /a/./b//c} becomes
 * {@code /a/b/c}.
 *
 * <pre>{@code
 * GuestPath p = GuestPath.of("/usr/lib/../bin/app"); // "/usr/bin/app"
 * }</pre>
 */
public record GuestPath(String value) implements Comparable<GuestPath> {
    public static final GuestPath ROOT = new GuestPath("/");

    public GuestPath {
        if (!isNormal(value)) {
            throw new IllegalArgumentException("not a normalised guest path: " + value);
        }
    }

    /**
     * Normalises {@code text} into a guest path.
     *
     * @throws IllegalArgumentException with a message saying why the path is not allowed
     */
    public static GuestPath of(String text) {
        return new GuestPath(text != null && isNormal(text) ? text : normalise(text));
    }

    /**
     * Whether {@code text} is a normalised guest path already, in one pass that allocates
     * nothing: every path a build makes is checked, and a tree of 20 000 files makes several
     * each (splitting and joining them cost a tenth of such a build's unchanged rebuild).
     */
    private static boolean isNormal(String text) {
        int length = text.length();
        if (length == 0 || text.charAt(0) != '/') {
            return false;
        }
        if (length == 1) {
            return true;
        }
        int nameStart = 1;
        for (int i = 1; i <= length; i++) {
            char c = i < length ? text.charAt(i) : '/';
            if (c == '\0' || c == '\n') {
                return false;
            }
            if (c == '/') {
                int nameLength = i - nameStart;
                if (nameLength == 0 || nameLength <= 2 && text.charAt(nameStart) == '.'
                        && (nameLength == 1 || text.charAt(nameStart + 1) == '.')) {
                    return false;
                }
                nameStart = i + 1;
            }
        }
        return true;
    }

    // equals and hashCode are written out (the same as the record's own) because a record's are
    // linked through ObjectMethods at their first call, 1-10 ms of every command's start
    // (docs/benchmarks-mini.md).
    @Override
    public boolean equals(Object o) {
        return o instanceof GuestPath other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    private static String normalise(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a guest path may not be empty");
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("guest path '" + text + "' must be absolute (start with /)");
        }
        if (text.indexOf('\0') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("guest path '" + text.replace("\n", "\\n").replace("\0", "\\0")
                    + "' may not contain NUL or newline characters");
        }
        List<String> parts = new ArrayList<>();
        for (String part : text.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new IllegalArgumentException("guest path '" + text + "' escapes the image root");
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    public boolean isRoot() {
        return value.equals("/");
    }

    /** The last name of the path; empty for the root. */
    public String fileName() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    /** The parent folder; the root is its own parent. */
    public GuestPath parent() {
        int slash = value.lastIndexOf('/');
        return slash <= 0 ? ROOT : new GuestPath(value.substring(0, slash));
    }

    /**
     * The entry named {@code name} in this folder: one name, as a host folder lists them.
     *
     * @throws IllegalArgumentException when {@code name} is empty, "." or "..", or holds a slash, NUL or newline
     */
    public GuestPath child(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("guest path '" + (isRoot() ? "" : value) + "/"
                    + name.replace("\n", "\\n").replace("\0", "\\0") + "' may not have a name that is empty, \".\""
                    + " or \"..\", or that holds a slash, NUL or newline");
        }
        return new GuestPath(isRoot() ? "/" + name : value + "/" + name);
    }

    /** Resolves a relative name (which may contain slashes but may not escape this path's root). */
    public GuestPath resolve(String relative) {
        return of(isRoot() ? "/" + relative : value + "/" + relative);
    }

    /** All folders from the root's first child down to this path's parent, in order. */
    public List<GuestPath> ancestors() {
        List<GuestPath> result = new ArrayList<>();
        for (GuestPath p = parent(); !p.isRoot(); p = p.parent()) {
            result.add(0, p);
        }
        return result;
    }

    @Override
    public int compareTo(GuestPath other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
