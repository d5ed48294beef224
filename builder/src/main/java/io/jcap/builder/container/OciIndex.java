package io.jcap.builder.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an OCI image layout: {@code index.json}, the manifest it names (by tag, or the only one;
 * through a nested index by platform, linux/amd64), the config, the layer descriptors. Every blob
 * read here is checked against its digest; layers are checked as they are applied.
 */
final class OciIndex {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LayoutFiles files;

    OciIndex(LayoutFiles files) {
        this.files = files;
    }

    ImageParts read(Optional<String> tag) throws JcapException {
        JsonNode index = json(files.read("index.json", "an OCI layout's index"), "index.json");
        JsonNode manifest = pick(index, tag, "index.json");
        for (int depth = 0; isIndex(manifest); depth++) {
            if (depth > 2) {
                throw new JcapException(files.where() + ": indexes nest too deep");
            }
            String name = "manifest " + digest(manifest);
            manifest = platform(json(blob(manifest, name), name), name);
        }
        JsonNode body = json(blob(manifest, "manifest " + digest(manifest)), "manifest " + digest(manifest));
        JsonNode config = body.path("config");
        byte[] configBytes = blob(config, "config of manifest " + digest(manifest));
        List<ImageParts.Layer> layers = new ArrayList<>();
        int n = 0;
        for (JsonNode layer : body.path("layers")) {
            Sha256 d = digest(layer);
            layers.add(new ImageParts.Layer(member(d), Optional.of(d), size(layer, "layer " + ++n + " of manifest "
                    + digest(manifest))));
        }
        return new ImageParts(configBytes, layers);
    }

    private JsonNode pick(JsonNode index, Optional<String> tag, String name) throws JcapException {
        List<JsonNode> manifests = new ArrayList<>();
        index.path("manifests").forEach(manifests::add);
        if (tag.isPresent()) {
            List<String> tags = new ArrayList<>();
            for (JsonNode m : manifests) {
                String t = m.path("annotations").path(REF_NAME).asText("");
                if (t.equals(tag.get())) {
                    return m;
                }
                if (!t.isEmpty()) {
                    tags.add(t);
                }
            }
            throw new JcapException(files.where() + " has no image tagged '" + tag.get() + "' (tags: "
                    + (tags.isEmpty() ? "none" : String.join(", ", tags)) + ")");
        }
        if (manifests.size() != 1) {
            throw new JcapException(files.where() + "'s " + name + " lists " + manifests.size()
                    + " images: name one by tag, as oci:DIR:TAG");
        }
        return manifests.get(0);
    }

    private JsonNode platform(JsonNode index, String name) throws JcapException {
        List<String> seen = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            String os = m.path("platform").path("os").asText("");
            String arch = m.path("platform").path("architecture").asText("");
            if (os.equals("linux") && arch.equals("amd64")) {
                return m;
            }
            seen.add(os + "/" + arch);
        }
        throw new JcapException(files.where() + ": " + name + " has no linux/amd64 image (it has " + seen
                + "); jcap boots x86-64 guests");
    }

    private static boolean isIndex(JsonNode descriptor) {
        String type = descriptor.path("mediaType").asText("");
        return type.equals("application/vnd.oci.image.index.v1+json")
                || type.equals("application/vnd.docker.distribution.manifest.list.v2+json");
    }

    /** The blob a descriptor names, checked against its digest and size. */
    private byte[] blob(JsonNode descriptor, String what) throws JcapException {
        Sha256 d = digest(descriptor);
        byte[] bytes = files.read(member(d), what + ", which the layout names");
        Sha256 actual = Sha256.of(bytes);
        long size = size(descriptor, what);
        if (!actual.equals(d) || size != bytes.length) {
            throw new JcapException(files.where() + ": the " + what + " is sha256:" + actual.hex() + ", " + bytes.length
                    + " bytes, not sha256:" + d.hex() + ", " + size + " bytes as its descriptor says: refused");
        }
        return bytes;
    }

    /** A descriptor's {@code size}, which the OCI image spec requires: a byte count. */
    private long size(JsonNode descriptor, String what) throws JcapException {
        JsonNode size = descriptor.path("size");
        if (!size.isIntegralNumber() || size.asLong() < 0 || !size.canConvertToLong()) {
            throw new JcapException(files.where() + ": the descriptor of the " + what + " has "
                    + (size.isMissingNode() ? "no size" : "size " + size) + ": it must give the blob's size in bytes");
        }
        return size.asLong();
    }

    static String member(Sha256 digest) {
        return "blobs/sha256/" + digest.hex();
    }

    private Sha256 digest(JsonNode descriptor) throws JcapException {
        String d = descriptor.path("digest").asText("");
        if (!d.startsWith("sha256:")) {
            throw new JcapException(files.where() + " names a blob by digest '" + d + "': jcap reads sha256:<64 hex digits>");
        }
        try {
            return new Sha256(d.substring(7));
        } catch (IllegalArgumentException e) {
            throw new JcapException(files.where() + " names a blob by digest '" + d + "': " + e.getMessage(), e);
        }
    }

    private JsonNode json(byte[] bytes, String name) throws JcapException {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new JcapException(files.where() + ": " + name + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
