package io.jcap.builder.container;

import io.jcap.builder.registry.ImageReference;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a container image comes from, as {@code from:} names it (skopeo's transport syntax):
 * {@code oci:DIR[:TAG]} (an OCI image layout folder), {@code oci-archive:FILE.tar} (such a folder
 * as a tar) or {@code docker-archive:FILE.tar} ({@code docker save}'s output, either form).
 *
 * <pre>{@code
 * ContainerSource source = ContainerSource.parse("oci:build/redis:7", projectDir);
 * }</pre>
 */
public sealed interface ContainerSource {
    /** The text the user wrote, for messages. */
    String text();

    /** An OCI image layout folder, and the tag ({@code org.opencontainers.image.ref.name}) to take. */
    record OciLayout(String text, Path dir, Optional<String> tag) implements ContainerSource {
    }

    /** An OCI image layout packed as a tar. */
    record OciArchive(String text, Path file) implements ContainerSource {
    }

    /** {@code docker save}'s tar: {@code manifest.json} naming a config and layer tars. */
    record DockerArchive(String text, Path file) implements ContainerSource {
    }

    /** An image in an OCI registry ({@code REGISTRY/REPO[:TAG|@sha256:...]}), pulled with Docker's credentials. */
    record Registry(String text, ImageReference reference) implements ContainerSource {
    }

    /**
     * Reads {@code text}; relative paths start at {@code base}.
     *
     * @throws IllegalArgumentException naming the text and the forms allowed
     */
    static ContainerSource parse(String text, Path base) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a container image reference is empty: use " + FORMS);
        }
        if (text.startsWith("oci:")) {
            String rest = text.substring(4);
            int colon = rest.lastIndexOf(':');
            Optional<String> tag = Optional.empty();
            if (colon >= 0) {
                tag = Optional.of(rest.substring(colon + 1));
                rest = rest.substring(0, colon);
                if (!tag.get().matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
                    throw new IllegalArgumentException("'" + text + "' has tag '" + tag.get()
                            + "': a tag is letters, digits, _ . - (at most 128), as oci:build/image:1.0");
                }
            }
            return new OciLayout(text, path(rest, text, base), tag);
        }
        if (text.startsWith("oci-archive:")) {
            return new OciArchive(text, path(text.substring("oci-archive:".length()), text, base));
        }
        if (text.startsWith("docker-archive:")) {
            return new DockerArchive(text, path(text.substring("docker-archive:".length()), text, base));
        }
        String ref = text.startsWith("docker://") ? text.substring("docker://".length()) : text;
        if (ImageReference.isReference(ref)) {
            return new Registry(text, ImageReference.parse(ref));
        }
        throw new IllegalArgumentException("'" + text + "' is not a container image jcap reads: use " + FORMS);
    }

    /**
     * A reference given on the command line ({@code --from}), whose relative path means the
     * current folder's, written so that it means the same read from {@code projectDir} (a
     * Capstanfile's {@code from:} is read from its folder): relative to it when
     * {@code relative}, else absolute. An absolute path, a registry reference or text
     * {@link #parse} refuses comes back as it is.
     */
    static String fromCommandLine(String text, Path projectDir, boolean relative) {
        ContainerSource source;
        try {
            source = parse(text, Path.of("").toAbsolutePath());
            if (source.equals(parse(text, Path.of("/")))) {
                return text; // an absolute path, or a registry
            }
        } catch (IllegalArgumentException e) {
            return text;
        }
        Path base = projectDir.toAbsolutePath().normalize();
        java.util.function.Function<Path, String> written = path -> {
            String shown = relative ? base.relativize(path).toString() : path.toString();
            return shown.isEmpty() ? "." : shown;
        };
        if (source instanceof OciLayout oci) {
            return "oci:" + written.apply(oci.dir()) + oci.tag().map(t -> ":" + t).orElse("");
        } else if (source instanceof OciArchive archive) {
            return "oci-archive:" + written.apply(archive.file());
        } else if (source instanceof DockerArchive archive) {
            return "docker-archive:" + written.apply(archive.file());
        }
        return text;
    }

    /** The forms {@link #parse} takes, for messages. */
    String FORMS = "oci:DIR[:TAG], oci-archive:FILE.tar, docker-archive:FILE.tar or REGISTRY/REPO[:TAG]";

    private static Path path(String value, String text, Path base) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no file or folder: use " + FORMS);
        }
        return base.resolve(value).normalize();
    }
}
