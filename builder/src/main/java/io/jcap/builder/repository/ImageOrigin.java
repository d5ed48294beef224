package io.jcap.builder.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a pulled image came from: the registry reference it was pulled by and the digest of the
 * manifest jcap verified, kept in {@code origin.json} beside {@code image.json}. Built images have
 * none.
 *
 * <pre>{@code
 * Optional<ImageOrigin> from = ImageOrigin.of(stored); // 127.0.0.1:5000/hello:1 @ sha256:4f2...
 * }</pre>
 *
 * @param reference the reference as pulled, without a digest ({@code ghcr.io/acme/hello:1})
 * @param manifestDigest the SHA-256 of the manifest pulled
 * @param pulled when it was pulled
 */
public record ImageOrigin(String reference, Sha256 manifestDigest, Instant pulled) {
    static final String FILE = "origin.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageOrigin {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        Objects.requireNonNull(pulled, "pulled");
    }

    /** The origin of a stored image; empty for an image built here. */
    public static Optional<ImageOrigin> of(ImageRepository.StoredImage image) throws JcapException {
        Path file = image.folder().resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return Optional.of(new ImageOrigin(n.get("reference").asText(), Sha256.parse(n.get("digest").asText().replaceFirst("^sha256:", "")),
                    Instant.parse(n.get("pulled").asText())));
        } catch (IOException | RuntimeException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage() + "; remove the image with jcap rmi "
                    + image.metadata().name() + " and pull it again", e);
        }
    }

    /** The digest as registries write it: {@code sha256:HEX}. */
    public String digest() {
        return "sha256:" + manifestDigest.hex();
    }

    /** Writes {@code origin.json} into a staging folder, before {@link ImageRepository#commit}. */
    public void writeInto(Path staging) throws IOException {
        var node = JSON.createObjectNode().put("reference", reference).put("digest", digest()).put("pulled", pulled.toString());
        Files.write(staging.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    }
}
