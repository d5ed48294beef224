package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageMetadataJson;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The checks of a manifest a registry sent, before any blob is fetched. */
final class ManifestCheck {
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private ManifestCheck() {
    }

    /**
     * The manifest's digest, computed from its bytes: it must be the reference's digest when that
     * pins one, and the registry's {@code Docker-Content-Digest} when it sends one.
     */
    static Sha256 verify(ImageReference ref, RemoteRepository.Manifest manifest) throws JcapException {
        Sha256 actual = Sha256.of(manifest.bytes());
        if (ref.digest().isPresent() && !ref.digest().get().equals(actual)) {
            throw new JcapException("registry " + ref.registry() + " sent a manifest for " + ref + " whose digest is sha256:"
                    + actual.hex() + ", not the one asked for: refused");
        }
        Optional<String> claimed = manifest.registryDigest();
        if (claimed.isPresent() && !claimed.get().equals("sha256:" + actual.hex())) {
            throw new JcapException("registry " + ref.registry() + " says the manifest of " + ref + " is " + claimed.get()
                    + " but its bytes are sha256:" + actual.hex() + ": refused");
        }
        return actual;
    }

    /** The manifest as JSON, when it is an image manifest (not an index of several). */
    static JsonNode parse(ImageReference ref, RemoteRepository.Manifest manifest) throws JcapException {
        JsonNode json;
        try {
            json = RegistryHttp.JSON.readTree(manifest.bytes());
        } catch (IOException e) {
            throw new JcapException("the manifest of " + ref + " is not JSON: " + e.getMessage(), e);
        }
        String type = json.path("mediaType").asText(manifest.mediaType());
        if (type.equals(OCI_INDEX) || type.equals(DOCKER_LIST) || json.has("manifests")) {
            throw new JcapException(ref + " is an image index (several platforms): jcap pulls single images it pushed;"
                    + " pull one of its manifests by digest");
        }
        if (json.path("schemaVersion").asInt() != 2 || !json.path("layers").isArray() || !json.path("config").isObject()) {
            throw new JcapException("the manifest of " + ref + " is not an OCI or Docker v2 image manifest (media type '"
                    + type + "')");
        }
        return json;
    }

    /** jcap's record of the image, from the manifest's annotation. */
    static ImageMetadata record(ImageReference ref, JsonNode manifest) throws JcapException {
        JsonNode record = manifest.path("annotations").path(ContainerDisk.RECORD);
        if (!record.isTextual()) {
            throw new JcapException(ref + " is not a jcap image: its manifest has no " + ContainerDisk.RECORD
                    + " annotation (jcap runs images jcap push made; a plain containerDisk lacks the kernel and command line);"
                    + " a container image becomes a VM image with jcap build --from " + ref + " (or jcap init --from "
                    + ref + " DIR, to edit what it runs first)");
        }
        try {
            return ImageMetadataJson.parse(record.asText().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new JcapException("the jcap record of " + ref + " cannot be read: " + e.getMessage(), e);
        }
    }
}
