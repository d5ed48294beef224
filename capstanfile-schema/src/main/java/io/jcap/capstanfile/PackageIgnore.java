package io.jcap.capstanfile;

import io.jcap.model.GuestPath;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What of a Capstan package folder stays out of its image, as Capstan's {@code package compose}
 * leaves it out: always {@code /meta}, {@code /mpm-pkg}, {@code /.git}, {@code /.gitignore},
 * {@code /.capstanignore} and {@code /volumes}, the package's own {@code NAME.mpm} (what
 * {@code capstan package build} writes there), and the patterns of its {@code .capstanignore}.
 *
 * <p>Patterns are paths from the package folder, starting with {@code /}: {@code *} stands for
 * any part of one name, {@code ?} for one character, a {@code **} folder for any number of
 * folders. A pattern that matches a folder leaves out everything in it; {@code /logs/*} leaves out
 * what is in {@code /logs} but keeps the folder. Capstan has no negation ({@code !}), nor has jcap.
 *
 * <pre>{@code
 * PackageIgnore ignore = PackageIgnore.of("com.example.app", List.of("/src", "/*.o"));
 * ignore.ignores(GuestPath.of("/src/main.c"));   // true
 * ignore.ignores(GuestPath.of("/hello"));        // false
 * }</pre>
 */
public final class PackageIgnore {
    /** What Capstan never puts into an image, whatever {@code .capstanignore} says. */
    public static final List<String> ALWAYS = List.of("/meta", "/mpm-pkg", "/.git", "/.gitignore", "/.capstanignore",
            "/volumes");

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private PackageIgnore(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = this.patterns.stream().map(PackageIgnore::compile).toList();
    }

    /**
     * The rules of package {@code packageName} with the patterns of its {@code .capstanignore}.
     *
     * @throws IllegalArgumentException naming the first pattern that {@link #check} refuses
     */
    public static PackageIgnore of(String packageName, List<String> ignoreFile) {
        List<String> all = new ArrayList<>(ALWAYS);
        if (!packageName.isEmpty() && !packageName.contains("/")) {
            all.add("/" + packageName + ".mpm");
        }
        ignoreFile.forEach(PackageIgnore::check);
        all.addAll(ignoreFile);
        return new PackageIgnore(all);
    }

    /**
     * Checks one line of a {@code .capstanignore} (without comments or blank lines).
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static void check(String pattern) {
        if (pattern.startsWith("!")) {
            throw new IllegalArgumentException(SchemaMessages.quote(pattern) + " negates a pattern, which Capstan does"
                    + " not support either: list what to leave out instead");
        }
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException(SchemaMessages.quote(pattern) + " does not start with '/': patterns are"
                    + " paths from the package folder (/" + pattern + ", or /**/" + pattern + " at any depth)");
        }
        if (pattern.equals("/")) {
            throw new IllegalArgumentException("'/' would leave out the whole package: name what to leave out");
        }
        if (strip(pattern).contains("//")) {
            throw new IllegalArgumentException(SchemaMessages.quote(pattern) + " has an empty folder name (//)");
        }
    }

    /** Every pattern, the ones Capstan always applies first. */
    public List<String> patterns() {
        return patterns;
    }

    /** Whether {@code path} (a path in the image, that is, from the package folder) or a folder above it is left out. */
    public boolean ignores(GuestPath path) {
        for (GuestPath p = path; !p.isRoot(); p = p.parent()) {
            String text = p.value();
            if (compiled.stream().anyMatch(c -> c.matcher(text).matches())) {
                return true;
            }
        }
        return false;
    }

    /** A trailing slash (a folder, in .gitignore's words) changes nothing here: patterns name folders anyway. */
    private static String strip(String pattern) {
        return pattern.length() > 1 && pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    private static Pattern compile(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String name : strip(pattern).substring(1).split("/")) {
            if (name.equals("**")) {
                regex.append("(?:/[^/]+)*");
                continue;
            }
            regex.append('/');
            StringBuilder literal = new StringBuilder();
            for (char c : name.toCharArray()) {
                if (c == '*' || c == '?') {
                    regex.append(Pattern.quote(literal.toString())).append(c == '*' ? "[^/]*" : "[^/]");
                    literal.setLength(0);
                } else {
                    literal.append(c);
                }
            }
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PackageIgnore that && patterns.equals(that.patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
