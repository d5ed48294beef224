package io.jcap.capstanfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a node sits in a Capstanfile, as map keys and list indexes from the top. Shown to users
 * as {@code files./app/hello}, {@code ports[1]} or {@code runtime.java.main}; the top itself
 * shows as the empty string.
 */
record YamlPath(List<Object> segments) {
    static final YamlPath ROOT = new YamlPath(List.of());

    YamlPath {
        segments = List.copyOf(segments);
        for (Object segment : segments) {
            if (!(segment instanceof String) && !(segment instanceof Integer)) {
                throw new IllegalArgumentException("a path segment is a key or an index: " + segment);
            }
        }
    }

    YamlPath key(String name) {
        return append(name);
    }

    YamlPath index(int index) {
        return append(index);
    }

    private YamlPath append(Object segment) {
        List<Object> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new YamlPath(longer);
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    YamlPath parent() {
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
