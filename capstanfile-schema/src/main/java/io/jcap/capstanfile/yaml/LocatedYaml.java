package io.jcap.capstanfile.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML document read into a Jackson tree, remembering where every key and value starts, so
 * that problems found in the tree can be reported at their line and column.
 *
 * <pre>{@code
 * LocatedYaml yaml = LocatedYaml.read("cmdline: /hello\n", "a Capstanfile");
 * Position at = yaml.valuePosition(YamlPath.ROOT.key("cmdline"));   // line 1, column 10
 * }</pre>
 */
public final class LocatedYaml {
    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<YamlPath, Position> keys = new HashMap<>();
    private final Map<YamlPath, Position> values = new HashMap<>();
    private final Map<YamlPath, String> scalarTexts = new HashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private JsonNode root;

    private LocatedYaml() {
    }

    /**
     * Reads {@code text}. An empty document (nothing but comments) reads as an empty map.
     *
     * @param what names the file in a problem: {@code a Capstanfile}, {@code meta/run.yaml}
     *
     * @throws YamlSyntaxException when the text is not YAML
     */
    public static LocatedYaml read(String text, String what) throws YamlSyntaxException {
        LocatedYaml yaml = new LocatedYaml();
        try (YAMLParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                yaml.root = NODES.objectNode();
                yaml.values.put(YamlPath.ROOT, Position.START);
                return yaml;
            }
            yaml.root = yaml.readValue(parser, YamlPath.ROOT);
            if (parser.nextToken() != null) {
                yaml.findings.add(new Finding(YamlPath.ROOT, position(parser.currentTokenLocation()),
                        what + " holds one YAML document; remove the second one (after ---)"));
            }
        } catch (JsonProcessingException e) {
            throw YamlSyntaxException.of(e);
        } catch (IOException e) {
            throw new IllegalStateException("reading YAML from a string does no I/O", e);
        }
        return yaml;
    }

    private JsonNode readValue(YAMLParser parser, YamlPath path) throws IOException {
        values.put(path, position(parser.currentTokenLocation()));
        JsonToken token = parser.currentToken();
        if (token.isScalarValue()) {
            scalarTexts.put(path, parser.getText());
        }
        switch (token) {
            case START_OBJECT:
                return readMap(parser, path);
            case START_ARRAY:
                return readList(parser, path);
            case VALUE_STRING:
                if (parser.isCurrentAlias()) {
                    findings.add(new Finding(path, values.get(path), "YAML aliases (*" + parser.getText()
                            + ") are not supported; write the value out"));
                }
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return NODES.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return floatValue(parser);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                // Tagged scalars such as !!binary: keep the text, the schema judges it.
                return NODES.textNode(parser.getText());
        }
    }

    /**
     * A YAML float. Jackson's YAML parser takes YAML 1.1's {@code .nan} and {@code .inf} for floats
     * but cannot give their value, so those are read here; a float it cannot read otherwise is kept
     * as its text for the schema to judge. The text as written stays in {@link #scalarText}.
     */
    private static JsonNode floatValue(YAMLParser parser) throws IOException {
        String text = parser.getText().strip();
        switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case ".nan":
                return NODES.numberNode(Double.NaN);
            case ".inf":
            case "+.inf":
                return NODES.numberNode(Double.POSITIVE_INFINITY);
            case "-.inf":
                return NODES.numberNode(Double.NEGATIVE_INFINITY);
            default:
                try {
                    return NODES.numberNode(parser.getDoubleValue());
                } catch (JsonProcessingException | NumberFormatException e) {
                    return NODES.textNode(parser.getText());
                }
        }
    }

    private ObjectNode readMap(YAMLParser parser, YamlPath path) throws IOException {
        ObjectNode map = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            YamlPath child = path.key(name);
            Position keyPosition = position(parser.currentTokenLocation());
            parser.nextToken();
            if (map.has(name)) {
                findings.add(new Finding(path, keyPosition, "duplicate key '" + name + "' (first at line "
                        + keys.get(child).line() + ")"));
                skipValue(parser);
                continue;
            }
            keys.put(child, keyPosition);
            map.set(name, readValue(parser, child));
        }
        return map;
    }

    private ArrayNode readList(YAMLParser parser, YamlPath path) throws IOException {
        ArrayNode list = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            list.add(readValue(parser, path.index(list.size())));
        }
        return list;
    }

    private static void skipValue(YAMLParser parser) throws IOException {
        parser.skipChildren();
    }

    private static Position position(JsonLocation location) {
        return new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    public JsonNode root() {
        return root;
    }

    /** Things wrong with the YAML itself that still leave a usable tree (duplicate keys, aliases). */
    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    /** A scalar as written in the file ({@code 5.10} stays "5.10", not the number 5.1). */
    public Optional<String> scalarText(YamlPath path) {
        return Optional.ofNullable(scalarTexts.get(path));
    }

    /** Where the value at {@code path} starts; for a missing node, the nearest ancestor's value. */
    public Position valuePosition(YamlPath path) {
        for (YamlPath p = path; ; p = p.parent()) {
            Position found = values.get(p);
            if (found != null) {
                return found;
            }
            if (p.isRoot()) {
                return Position.START;
            }
        }
    }

    /** Where the key of the map entry at {@code path} starts; for the top, where the file starts. */
    public Position keyPosition(YamlPath path) {
        return Optional.ofNullable(keys.get(path)).orElseGet(() -> valuePosition(path));
    }
}
