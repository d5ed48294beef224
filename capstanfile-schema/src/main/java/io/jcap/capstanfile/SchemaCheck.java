package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.jcap.capstanfile.yaml.Finding;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates a Capstanfile against {@code capstanfile.schema.json}. Every rule lives in the schema;
 * this class only runs the validator and hands its messages to {@link SchemaMessages}.
 */
final class SchemaCheck {
    /** The schema, next to this class in the jar. */
    static final String RESOURCE = "capstanfile.schema.json";

    private static final class Holder {
        static final SchemaCheck INSTANCE = load();
    }

    private final JsonNode schemaNode;
    private final JsonSchema schema;

    private SchemaCheck(JsonNode schemaNode, JsonSchema schema) {
        this.schemaNode = schemaNode;
        this.schema = schema;
    }

    /**
     * The schema's keywords of jcap's own, for its messages: {@code x-expected}, {@code x-required},
     * {@code x-out-of-range}.
     */
    static final List<String> OWN_KEYWORDS = List.of("x-expected", "x-required", "x-out-of-range");

    static SchemaCheck instance() {
        return Holder.INSTANCE;
    }

    private static SchemaCheck load() {
        try (InputStream in = SchemaCheck.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + RESOURCE);
            }
            JsonNode node = new ObjectMapper().readTree(in);
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                    .pathType(PathType.JSON_POINTER)
                    .build();
            // jcap's own keywords carry the wording of its messages (SchemaMessages reads them); the
            // validator is told they validate nothing, or it logs "Unknown keyword" for each, which
            // the Maven plugin's log shows (the CLI has no SLF4J provider). Any other unknown
            // keyword is a mistake in the schema: refused when it loads.
            JsonMetaSchema meta = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .keywords(OWN_KEYWORDS.stream().map(NonValidationKeyword::new).toList())
                    .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
                    .build();
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(meta))
                    .getSchema(SchemaLocation.of("classpath:io/jcap/capstanfile/" + RESOURCE), node, config);
            schema.initializeValidators();
            return new SchemaCheck(node, schema);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the jar", e);
        }
    }

    /** All schema violations of {@code yaml}, in the order the validator found them. */
    List<Finding> check(LocatedYaml yaml) {
        SchemaMessages messages = new SchemaMessages(schemaNode, yaml);
        List<Finding> findings = new ArrayList<>();
        for (ValidationMessage message : schema.validate(yaml.root())) {
            findings.add(messages.translate(message));
        }
        return findings;
    }

    /** Converts a validator path (instance or schema location) to a {@link YamlPath}. */
    static YamlPath toYamlPath(JsonNodePath path) {
        List<Object> segments = new ArrayList<>();
        for (int i = 0; i < path.getNameCount(); i++) {
            segments.add(path.getElement(i));
        }
        return new YamlPath(segments);
    }
}
