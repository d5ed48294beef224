package io.jcap.builder.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code docker save}'s {@code manifest.json}: one image's config and layer members. The
 * older form names them {@code HEX.json} and {@code ID/layer.tar}, the newer (Docker 25)
 * {@code blobs/sha256/HEX}; wherever a name carries a digest it is checked, and every layer is
 * checked against the config's {@code rootfs.diff_ids} as it is applied.
 */
final class DockerManifest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DIGEST_NAME = Pattern.compile("(?:blobs/sha256/)?([0-9a-f]{64})(?:\\.json)?");

    private final LayoutFiles files;

    DockerManifest(LayoutFiles files) {
        this.files = files;
    }

    ImageParts read() throws JcapException {
        JsonNode manifest;
        try {
            manifest = JSON.readTree(files.read("manifest.json", "docker save's list of images"));
        } catch (IOException e) {
            throw new JcapException(files.where() + ": manifest.json is not valid JSON: " + e.getMessage(), e);
        }
        if (manifest == null || !manifest.isArray() || manifest.size() != 1) {
            throw new JcapException(files.where() + ": manifest.json must list exactly one image (it lists "
                    + (manifest != null && manifest.isArray() ? manifest.size() : 0) + "); save one image per archive");
        }
        JsonNode image = manifest.get(0);
        String configName = image.path("Config").asText("");
        byte[] config = files.read(configName, "the image config manifest.json names");
        Optional<Sha256> configDigest = digestIn(configName);
        if (configDigest.isPresent() && !Sha256.of(config).equals(configDigest.get())) {
            throw new JcapException(files.where() + ": the config " + configName + " is sha256:" + Sha256.of(config).hex()
                    + ", not the digest its name says: refused");
        }
        List<ImageParts.Layer> layers = new ArrayList<>();
        for (JsonNode layer : image.path("Layers")) {
            String name = layer.asText("");
            Optional<Sha256> blobDigest = name.startsWith("blobs/") ? digestIn(name) : Optional.empty();
            layers.add(new ImageParts.Layer(name, blobDigest, -1));
        }
        return new ImageParts(config, layers);
    }

    private static Optional<Sha256> digestIn(String name) {
        Matcher m = DIGEST_NAME.matcher(name);
        return m.matches() ? Optional.of(new Sha256(m.group(1))) : Optional.empty();
    }
}
