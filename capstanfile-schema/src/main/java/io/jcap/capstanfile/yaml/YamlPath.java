package io.jcap.capstanfile.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a node sits in a YAML file, as map keys and list indexes from the top. Shown to users
 * as {@code files./app/hello}, {@code ports[1]} or {@code runtime.java.main}; the top itself
 * shows as the empty string.
 */
public record YamlPath(List<Object> segments) {
    public static final YamlPath ROOT = new YamlPath(List.of());

    public YamlPath {
        segments = List.copyOf(segments);
        for (Object segment : segments) {
            if (!(segment instanceof String) && !(segment instanceof Integer)) {
                throw new IllegalArgumentException("a path segment is a key or an index: " + segment);
            }
        }
    }

    // equals and hashCode are written out (the same as the record's own) because a record's are
    // linked through ObjectMethods at their first call, 1-10 ms of every command's start
    // (docs/benchmarks-mini.md).
    @Override
    public boolean equals(Object o) {
        return o instanceof YamlPath other && segments.equals(other.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }

    public YamlPath key(String name) {
        return append(name);
    }

    public YamlPath index(int index) {
        return append(index);
    }

    private YamlPath append(Object segment) {
        List<Object> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new YamlPath(longer);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public YamlPath parent() {
        return isRoot() ? this : new YamlPath(segments.subList(0, segments.size() - 1));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Object segment : segments) {
            if (segment instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else {
                if (text.length() > 0) {
                    text.append('.');
                }
                text.append(segment);
            }
        }
        return text.toString();
    }
}
