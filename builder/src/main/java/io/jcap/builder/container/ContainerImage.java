package io.jcap.builder.container;

import io.jcap.model.ImageEntry;
import java.util.List;

/**
 * A container image read and applied: its file tree (regular files' bytes in a jcap temp folder
 * until the build has streamed them) and its config.
 *
 * @param source what {@code from:} said
 * @param entries the file tree, root first, sorted by path
 * @param config the image config
 */
public record ContainerImage(String source, List<ImageEntry> entries, ContainerConfig config) {
    public ContainerImage {
        entries = List.copyOf(entries);
    }
}
