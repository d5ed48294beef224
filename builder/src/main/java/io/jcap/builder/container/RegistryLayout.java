package io.jcap.builder.container;

import io.jcap.builder.registry.RegistryImage;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Optional;

/**
 * A registry image seen as an image layout: {@code index.json} names the reference's manifest
 * (already checked against its digest), {@code blobs/sha256/HEX} is a blob or, for a platform's
 * manifest in an index, a manifest, which registries serve from another endpoint. {@link OciIndex}
 * then reads and checks it like a layout on disk, blob by blob, streaming layers straight into
 * the layer applier.
 */
final class RegistryLayout extends LayoutFiles {
    private static final String BLOBS = "blobs/sha256/";

    private final RegistryImage image;
    private final String text;

    RegistryLayout(RegistryImage image, String text) {
        this.image = image;
        this.text = text;
    }

    @Override
    Optional<InputStream> open(String name) throws IOException {
        if (name.equals("index.json")) {
            // Written by Jackson: the media type is the registry's Content-Type, and text pasted
            // into JSON could add an entry of its own (another manifest than the checked one).
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode index = json.createObjectNode();
            index.putArray("manifests").addObject().put("mediaType", image.mediaType())
                    .put("digest", "sha256:" + image.digest().hex()).put("size", image.manifest().length);
            return Optional.of(new ByteArrayInputStream(json.writeValueAsBytes(index)));
        }
        if (!name.startsWith(BLOBS)) {
            return Optional.empty();
        }
        Sha256 digest;
        try {
            digest = new Sha256(name.substring(BLOBS.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (digest.equals(image.digest())) {
            return Optional.of(new ByteArrayInputStream(image.manifest()));
        }
        try {
            return Optional.of(image.blob(digest));
        } catch (JcapException blobRefused) {
            try {
                return Optional.of(new ByteArrayInputStream(image.manifest(digest)));
            } catch (JcapException alsoRefused) {
                throw new IOException(blobRefused.getMessage(), blobRefused);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + text);
        }
    }

    @Override
    String where() {
        return "registry image " + text;
    }

    @Override
    public void close() {
    }
}
