package io.jcap.capstanfile;

/** A problem before it is tied to a file: the node it is about, where to point, and what to say. */
record Finding(YamlPath path, Position position, String message) {
}
