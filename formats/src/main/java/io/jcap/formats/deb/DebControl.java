package io.jcap.formats.deb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fields of a Debian package's {@code control} file.
 *
 * <pre>{@code
 * DebControl c = DebControl.parse("Package: hello\nVersion: 1.0-1\nDepends: libc6 (>= 2.34)\n");
 * c.dependencies(); // ["libc6"]
 * }</pre>
 */
public record DebControl(String packageName, String version, String depends, Map<String, String> fields) {
    public DebControl {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(depends, "depends");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * Parses a control file: {@code Field: value} lines, continuation lines starting with a space.
     * Missing {@code Package} or {@code Version} fields are empty strings.
     */
    public static DebControl parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String current = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                if (!fields.isEmpty()) {
                    break;
                }
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
                fields.put(current, fields.get(current) + "\n" + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                current = line.substring(0, colon).strip();
                fields.put(current, line.substring(colon + 1).strip());
            }
        }
        return new DebControl(fields.getOrDefault("Package", ""), fields.getOrDefault("Version", ""),
                fields.getOrDefault("Depends", ""), fields);
    }

    /** The names in {@code Depends}, the first of each group of alternatives, without versions. */
    public List<String> dependencies() {
        List<String> names = new ArrayList<>();
        for (String group : depends.split(",")) {
            String first = group.split("\\|")[0].strip();
            String name = first.split("[\\s(:\\[]", 2)[0];
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }
}
