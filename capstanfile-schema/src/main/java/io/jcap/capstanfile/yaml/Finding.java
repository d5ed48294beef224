package io.jcap.capstanfile.yaml;

/** A problem before it is tied to a file: the node it is about, where to point, and what to say. */
public record Finding(YamlPath path, Position position, String message) {
}
