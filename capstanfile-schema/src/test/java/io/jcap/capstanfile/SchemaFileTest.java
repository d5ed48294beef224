package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema shipped in the jar, the copy for editors and the documentation agree. */
class SchemaFileTest {
    @Test
    void editorCopy_isByteIdenticalToBundledSchema() throws Exception {
        byte[] bundled;
        try (InputStream in = CapstanfileParser.openSchema()) {
            bundled = in.readAllBytes();
        }

        assertArrayEquals(bundled, Files.readAllBytes(Path.of("capstanfile.schema.json")),
                "copy src/main/resources/io/jcap/capstanfile/capstanfile.schema.json to capstanfile.schema.json");
    }

    @Test
    void everyKey_isDocumented() throws Exception {
        JsonNode schema;
        try (InputStream in = CapstanfileParser.openSchema()) {
            schema = new ObjectMapper().readTree(in);
        }
        String docs = Files.readString(Path.of("../docs/capstanfile.md"));
        List<String> missing = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(key -> {
            if (!docs.contains("\n### `" + key + "`")) {
                missing.add(key);
            }
        });

        assertTrue(missing.isEmpty(), "docs/capstanfile.md lacks a section for " + missing);
    }
}
