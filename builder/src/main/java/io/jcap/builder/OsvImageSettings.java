package io.jcap.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an OSv image needs at run time beyond {@link ImageMetadata}, kept in {@code osv.json}
 * beside the image file: the Capstanfile's forwarded ports (OSv has no configuration file of
 * jcap's inside the image to carry them).
 */
record OsvImageSettings(List<PortMapping> ports) {
    static final String FILE_NAME = "osv.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    OsvImageSettings {
        ports = List.copyOf(ports);
    }

    /** Writes {@code osv.json} into an image's (staging) folder. */
    void write(Path folder) throws JcapException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("ports");
        ports.forEach(p -> array.add(p.toString()));
        try {
            Files.write(folder.resolve(FILE_NAME), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new JcapException("could not write " + folder.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /** The settings of a stored image; none when the file is missing. */
    static OsvImageSettings read(ImageRepository.StoredImage image) throws JcapException {
        Path file = image.file().resolveSibling(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return new OsvImageSettings(List.of());
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<PortMapping> ports = new ArrayList<>();
            for (JsonNode port : root.path("ports")) {
                ports.add(PortMapping.parse(port.asText()));
            }
            return new OsvImageSettings(ports);
        } catch (IOException | IllegalArgumentException e) {
            throw new JcapException("image '" + image.metadata().name() + "' has an unreadable " + file + " ("
                    + e.getMessage() + "): delete " + file.getParent() + " and build it again", e);
        }
    }
}
