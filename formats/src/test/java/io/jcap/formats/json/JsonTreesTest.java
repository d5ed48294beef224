package io.jcap.formats.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTreesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path temp;

    /** The same text as JsonNode.toString() (whose mapper this leaves out), for the trees read above. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"name\": \"linux\", \"files\": [{\"path\": \"vmlinuz\", \"size\": 14190528}], \"kind\": null}",
        "[1, 2147483648, 123456789012345678901234567890, -7, 0.5, 1e300, true, false, null, \"\\u00e9t\\u00e9 \\\" \\n\"]",
        "{\"a\": {\"b\": {\"c\": []}}, \"d\": {}}",
    })
    void write_givesTheTextOfToString(String json) throws Exception {
        JsonNode tree = MAPPER.readTree(json);

        assertEquals(tree.toString(), JsonTrees.write(tree));
        assertEquals(tree, MAPPER.readTree(JsonTrees.write(tree)));
    }

    /** A decimal node keeps every digit, as toString() writes it. */
    @Test
    void write_keepsADecimalsDigits() {
        JsonNode tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("d", new java.math.BigDecimal("0.12345678901234567890123"));

        assertEquals("{\"d\":0.12345678901234567890123}", JsonTrees.write(tree));
        assertEquals(tree.toString(), JsonTrees.write(tree));
    }

    @Test
    void valueOf_givesTheMappersTreeOfMapsListsAndScalars() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("command-line", "info version");
        value.put("n", 3);
        value.put("big", 5_000_000_000L);
        value.put("half", 0.5);
        value.put("on", true);
        value.put("none", null);
        value.put("list", List.of("a", 1, Map.of("k", "v")));

        assertEquals(MAPPER.valueToTree(value).toString(), JsonTrees.write(JsonTrees.valueOf(value)));
        assertThrows(IllegalArgumentException.class, () -> JsonTrees.valueOf(Map.of(1, "not a string key")));
        assertThrows(IllegalArgumentException.class, () -> JsonTrees.valueOf(new Object()));
    }

    /** QMP's stream: objects one a line, read one at a time as they come; null at its end. */
    @Test
    void sequence_readsTheDocumentsOfAStreamInTurn() throws Exception {
        String stream = "{\"QMP\": {\"version\": {}}}\r\n{\"return\": {}, \"id\": 1}\n"
                + "{\"event\": \"SHUTDOWN\", \"timestamp\": {\"seconds\": 1733370000}}\n";

        try (JsonTrees.Sequence documents = JsonTrees.sequence(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)))) {
            assertEquals(MAPPER.readTree("{\"QMP\": {\"version\": {}}}"), documents.next());
            assertEquals(1, documents.next().path("id").asInt());
            assertEquals("SHUTDOWN", documents.next().path("event").asText());
            assertEquals(null, documents.next());
        }
    }

    /** The same tree as the mapper's, node types included (an int node never equals a long node). */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"name\": \"linux\", \"files\": [{\"path\": \"vmlinuz\", \"size\": 14190528}], \"kind\": null}",
        "[1, 2147483648, 123456789012345678901234567890, -7, 0.5, 1e300, true, false, null, \"\\u00e9t\\u00e9\"]",
        "{\"a\": {\"b\": {\"c\": []}}, \"d\": {}}",
        "{\"twice\": 1, \"twice\": \"last wins\"}",
        "\"a lone string\"",
        "42",
        "{\"x\": 1} {\"ignored\": true}",
    })
    void read_givesTheMappersTree(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        JsonNode tree = JsonTrees.read(bytes);

        assertEquals(MAPPER.readTree(bytes), tree);
        assertEquals(MAPPER.readTree(bytes).toString(), tree.toString());
    }

    @Test
    void read_ofAFile_isTheTreeOfItsBytes() throws Exception {
        Path file = Files.writeString(temp.resolve("image.json"), "{\"name\": \"hello\", \"memoryMiB\": 128}\n");

        assertEquals(MAPPER.readTree(file.toFile()), JsonTrees.read(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n"})
    void read_ofNoContent_isTheMissingNode(String json) throws Exception {
        assertEquals(MissingNode.getInstance(), JsonTrees.read(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void read_ofBrokenJson_namesLineAndColumn() {
        JsonParseException e = assertThrows(JsonParseException.class,
                () -> JsonTrees.read("{\n  \"name\": \"hello\",\n  oops\n}".getBytes(StandardCharsets.UTF_8)));

        assertEquals(3, e.getLocation().getLineNr());
        assertTrue(e.getOriginalMessage().contains("Unexpected character ('o'"), e.getOriginalMessage());
    }

    @Test
    void read_ofATruncatedDocument_fails() {
        assertThrows(JsonParseException.class,
                () -> JsonTrees.read("{\"files\": [{\"path\": \"vmlinuz\"".getBytes(StandardCharsets.UTF_8)));
    }
}
