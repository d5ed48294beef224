package io.jcap.builder.registry;

import io.jcap.model.Sha256;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an image lives in an OCI registry: {@code REGISTRY/REPOSITORY[:TAG][@sha256:DIGEST]}, as
 * Docker writes it. The first part is the registry when it has a '.' or ':' or is
 * {@code localhost} ({@code ghcr.io/acme/hello:1}, {@code 127.0.0.1:5000/hello}); otherwise the
 * reference is Docker Hub's ({@code acme/hello} is {@code docker.io/acme/hello}).
 *
 * <pre>{@code
 * ImageReference ref = ImageReference.parse("127.0.0.1:5000/team/hello:1.2");
 * ref.registry();   // 127.0.0.1:5000
 * ref.repository(); // team/hello
 * }</pre>
 *
 * @param registry the registry's host, with its port when given
 * @param repository the repository's path inside the registry
 * @param tag the tag; {@code latest} when neither a tag nor a digest is given
 * @param digest the manifest's digest when the reference pins one
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<Sha256> digest) {
    private static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /** A host name of dot-separated labels, or an IPv6 address in brackets, with a port if given. */
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                    + "|\\[[0-9a-fA-F:]+\\])(?::([0-9]{1,5}))?");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
    }

    /** Whether {@code text} is meant as a registry reference rather than a local image's name: it has a '/'. */
    public static boolean isReference(String text) {
        return text != null && text.indexOf('/') > 0;
    }

    /**
     * Reads a reference.
     *
     * @throws IllegalArgumentException naming the part that is wrong and what is allowed
     */
    public static ImageReference parse(String text) {
        Objects.requireNonNull(text, "text");
        String rest = text;
        Optional<Sha256> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            String d = rest.substring(at + 1);
            if (!d.startsWith("sha256:")) {
                throw new IllegalArgumentException("reference '" + text + "' has digest '" + d + "': jcap takes sha256:<64 hex digits>");
            }
            try {
                digest = Optional.of(new Sha256(d.substring("sha256:".length())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("reference '" + text + "' has digest '" + d + "': jcap takes sha256:<64 hex digits>", e);
            }
            rest = rest.substring(0, at);
        }
        int slash = rest.indexOf('/');
        String registry = DOCKER_HUB;
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        java.util.regex.Matcher host = REGISTRY.matcher(registry);
        int port = host.matches() && host.group(1) != null ? Integer.parseInt(host.group(1)) : -1;
        if (!host.matches() || port == 0 || port > 65535) {
            throw new IllegalArgumentException("reference '" + text + "' has registry '" + registry + "': a host name or IP"
                    + " address, with :PORT (1 to 65535) if needed");
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            String t = rest.substring(colon + 1);
            if (!TAG.matcher(t).matches()) {
                throw new IllegalArgumentException("reference '" + text + "' has tag '" + t + "': letters, digits, '_', '.' and '-',"
                        + " not starting with '.' or '-', at most 128");
            }
            tag = Optional.of(t);
            rest = rest.substring(0, colon);
        }
        for (String part : rest.split("/", -1)) {
            if (!COMPONENT.matcher(part).matches()) {
                throw new IllegalArgumentException("reference '" + text + "' has repository part '" + part + "': lowercase letters"
                        + " and digits, joined by '.', '_', '__' or '-'");
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** The host jcap talks to: Docker Hub's API lives on another name than its references. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** The tag or digest a manifest is fetched or stored by: the digest when both are given. */
    public String manifestKey() {
        return digest.map(d -> "sha256:" + d.hex()).orElseGet(tag::orElseThrow);
    }

    /** The last part of the repository: the local name a pulled image gets unless told otherwise. */
    public String shortName() {
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    /** The same repository pinned to {@code manifest}, tag kept: what a push or pull resolved. */
    public ImageReference withDigest(Sha256 manifest) {
        return new ImageReference(registry, repository, tag, Optional.of(manifest));
    }

    /** {@code REGISTRY/REPOSITORY[:TAG]}: the reference without its digest, as a pulled image's origin records it. */
    public String name() {
        return registry + "/" + repository + tag.map(t -> ":" + t).orElse("");
    }

    /** Whether {@code other} names the same repository of the same registry. */
    public boolean sameRepository(ImageReference other) {
        return registry.equals(other.registry) && repository.equals(other.repository);
    }

    /** Whether the registry is on this machine, where plain HTTP is allowed as Docker allows it. */
    public boolean isLoopback() {
        String host = registry.replaceFirst(":[0-9]+$", "");
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    @Override
    public String toString() {
        return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@sha256:" + d.hex()).orElse("");
    }
}
