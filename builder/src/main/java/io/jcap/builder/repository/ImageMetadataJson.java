package io.jcap.builder.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.formats.json.JsonTrees;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one JSON form of {@link ImageMetadata}: the {@code image.json} beside each stored image and
 * the entries of {@code jcap images --json}. The stored form must stay readable: fields added
 * later have defaults for images recorded before them, and field names never change.
 *
 * <pre>{@code
 * byte[] stored = ImageMetadataJson.toBytes(metadata);
 * String listing = ImageMetadataJson.listing(repository.listing());
 * }</pre>
 */
public final class ImageMetadataJson {
    /** What images recorded before their memory was ran with (the default of that time, kept here on purpose). */
    static final int MEMORY_MIB_BEFORE_RECORDED = 128;
    static final int CPUS_BEFORE_RECORDED = 1;
    static final int GUEST_PROTOCOL_BEFORE_RECORDED = 1;

    /** Made on first write only: reads go through {@link JsonTrees} (see there why). */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    private ImageMetadataJson() {
    }

    /** The pretty-printed {@code image.json} of an image. */
    public static byte[] toBytes(ImageMetadata m) throws JcapException {
        try {
            return Mapper.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(fill(Mapper.JSON.createObjectNode(), m));
        } catch (JsonProcessingException e) {
            throw new JcapException("could not render the metadata of image '" + m.name() + "': " + e.getMessage(), e);
        }
    }

    /** Reads an {@code image.json}; a missing or malformed field throws. */
    public static ImageMetadata read(Path file) throws IOException {
        return fromJson(JsonTrees.read(file));
    }

    /** Reads an {@code image.json} from bytes (one that travelled with a pulled image); a missing or malformed field throws. */
    public static ImageMetadata parse(byte[] json) throws IOException {
        return fromJson(JsonTrees.read(json));
    }

    /**
     * {@code jcap images --json}: an array with each image's metadata and {@code path}, the image
     * file, after its name; a pulled image also has {@code origin} (its reference) and
     * {@code originDigest} (the manifest's digest). Broken images follow, each with its
     * {@code name}, {@code folder} and {@code broken} (what is wrong), and nothing else: a script
     * sees every name {@code jcap rmi} takes, as the table shows them.
     */
    public static String listing(ImageRepository.Listing listing) throws JcapException {
        ArrayNode array = Mapper.JSON.createArrayNode();
        for (ImageRepository.StoredImage image : listing.images()) {
            ObjectNode node = array.addObject();
            node.put("name", image.metadata().name());
            node.put("path", image.file().toString());
            fill(node, image.metadata());
            ImageOrigin.of(image).ifPresent(o -> node.put("origin", o.reference()).put("originDigest", o.digest()));
        }
        for (ImageRepository.BrokenImage broken : listing.broken()) {
            array.addObject().put("name", broken.name()).put("folder", broken.folder().toString())
                    .put("broken", broken.problem());
        }
        try {
            return Mapper.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new JcapException("could not render images as JSON: " + e.getMessage(), e);
        }
    }

    private static ObjectNode fill(ObjectNode node, ImageMetadata m) {
        node.put("name", m.name());
        node.put("created", m.created().toString());
        node.put("inputsDigest", m.inputsDigest().hex());
        node.put("streamDigest", m.streamDigest() == null ? null : m.streamDigest().hex());
        node.put("kernel", m.kernel());
        node.put("kernelSha256", m.kernelSha256() == null ? null : m.kernelSha256().hex());
        node.put("cmdline", m.cmdline());
        node.put("fs", m.fs());
        node.put("virtualSize", m.virtualSize());
        node.put("diskSize", m.diskSize());
        node.put("imageSha256", m.imageSha256().hex());
        node.put("accelerator", m.accelerator());
        node.put("memoryMiB", m.memoryMiB());
        node.put("cpus", m.cpus());
        ArrayNode ports = node.putArray("ports");
        m.ports().forEach(p -> ports.add(p.toString()));
        node.put("guestProtocol", m.guestProtocol());
        if (!m.configSets().isEmpty()) {
            // Only images of Capstan packages have these, so every other image.json stays as it was.
            ObjectNode sets = node.putObject("configSets");
            m.configSets().forEach(sets::put);
            node.put("defaultConfigSet", m.defaultConfigSet());
        }
        return node;
    }

    static ImageMetadata fromJson(JsonNode n) {
        return ImageMetadata.builder(n.get("name").asText())
                .created(Instant.parse(n.get("created").asText()))
                .inputsDigest(new Sha256(n.get("inputsDigest").asText()))
                .streamDigest(sha(n.get("streamDigest")))
                .kernel(n.get("kernel").asText(), sha(n.get("kernelSha256")))
                .cmdline(text(n.get("cmdline")))
                .fs(text(n.get("fs")))
                .disk(n.get("virtualSize").asLong(), n.get("diskSize").asLong(),
                        new Sha256(n.get("imageSha256").asText()))
                .accelerator(text(n.get("accelerator")))
                .runDefaults(n.path("memoryMiB").asInt(MEMORY_MIB_BEFORE_RECORDED),
                        n.path("cpus").asInt(CPUS_BEFORE_RECORDED), ports(n.path("ports")))
                .guestProtocol(n.path("guestProtocol").asInt(GUEST_PROTOCOL_BEFORE_RECORDED))
                .configSets(text(n.get("defaultConfigSet")), configSets(n.path("configSets")))
                .build();
    }

    private static List<PortMapping> ports(JsonNode array) {
        List<PortMapping> ports = new ArrayList<>();
        array.forEach(p -> ports.add(PortMapping.parse(p.asText())));
        return ports;
    }

    private static Map<String, String> configSets(JsonNode object) {
        Map<String, String> sets = new TreeMap<>();
        object.fields().forEachRemaining(e -> sets.put(e.getKey(), e.getValue().asText()));
        return sets;
    }

    private static Sha256 sha(JsonNode n) {
        return n == null || n.isNull() ? null : new Sha256(n.asText());
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
