package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import io.jcap.capstanfile.yaml.Finding;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the validator's messages into sentences for users. The phrases come from the schema:
 * {@code x-expected} says what a valid value is ("a size: use a whole number and a unit K, M, G
 * or T ..."), {@code x-required} says what a required key is for. Unknown keys get a "did you mean"
 * from the schema's {@code properties}.
 */
final class SchemaMessages {
    private static final int LONGEST_QUOTE = 60;

    private final JsonNode schemaRoot;
    private final LocatedYaml yaml;

    SchemaMessages(JsonNode schemaRoot, LocatedYaml yaml) {
        this.schemaRoot = schemaRoot;
        this.yaml = yaml;
    }

    Finding translate(ValidationMessage message) {
        YamlPath path = SchemaCheck.toYamlPath(message.getInstanceLocation());
        YamlPath keyword = SchemaCheck.toYamlPath(message.getSchemaLocation().getFragment());
        JsonNode owner = schemaAt(keyword.parent());
        String name = message.getProperty();
        switch (message.getType()) {
            case "additionalProperties":
                return new Finding(path, yaml.keyPosition(path.key(name)), unknownKey(name, owner));
            case "required":
                String why = owner.path("x-required").asText("");
                return new Finding(path, yaml.valuePosition(path),
                        name + " is required" + (why.isEmpty() ? "" : " (" + why + ")"));
            case "propertyNames":
                String expected = schemaAt(keyword).path("x-expected").asText("");
                return new Finding(path, yaml.keyPosition(path.key(name)), expected.isEmpty()
                        ? "key '" + name + "' is not allowed: " + message.getArguments()[1]
                        : quote(name) + " is not " + expected);
            default:
                return new Finding(path, yaml.valuePosition(path), badValue(message, owner, describe(path, message)));
        }
    }

    private static String unknownKey(String name, JsonNode owner) {
        List<String> known = new ArrayList<>();
        owner.path("properties").fieldNames().forEachRemaining(known::add);
        return unknownKey(name, known);
    }

    /** An unknown key, with the known key it probably is, or else every known key. */
    static String unknownKey(String name, List<String> known) {
        String text = "unknown key " + quote(name);
        if (known.isEmpty()) {
            return text + ": this map takes no keys";
        }
        Optional<String> suggestion = Suggestions.closest(name, known);
        return suggestion.map(s -> text + ": did you mean '" + s + "'?")
                .orElseGet(() -> text + " (known keys: " + String.join(", ", known) + ")");
    }

    /** The value as written: {@code yes} rather than the boolean YAML made of it. */
    private String describe(YamlPath path, ValidationMessage message) {
        JsonNode value = message.getInstanceNode();
        if (value != null && (value.isNumber() || value.isBoolean())) {
            return yaml.scalarText(path).orElseGet(value::asText);
        }
        return describe(value);
    }

    private static String badValue(ValidationMessage message, JsonNode owner, String value) {
        String expected = owner.path("x-expected").asText("");
        if (expected.isEmpty()) {
            // No phrase in the schema: fall back to the validator's words without its path prefix.
            String raw = message.getMessage();
            int colon = raw.indexOf(": ");
            return colon >= 0 ? raw.substring(colon + 2) : raw;
        }
        String type = message.getType();
        String outOfRange = owner.path("x-out-of-range").asText("");
        if (!outOfRange.isEmpty() && (type.equals("minimum") || type.equals("maximum"))) {
            return outOfRange.replace("{}", value);
        }
        JsonNode node = message.getInstanceNode();
        if (type.equals("type") && scalar(owner) && (node == null || node.isNull() || node.isContainerNode())) {
            // Not "quote numbers and booleans": a list, a map or nothing is no scalar at all.
            String noun = expected.contains(": ") ? expected.substring(0, expected.indexOf(": ")) : expected;
            if (node == null || node.isNull()) {
                return value + " is not " + noun + (owner.path("type").asText().equals("string")
                        ? ": write \"\" for an empty one" : "");
            }
            return value + " is " + (node.isArray() ? "a list" : "a map") + ", not " + noun + ": give one value";
        }
        String text = value + " is not " + expected;
        JsonNode allowed = owner.path("enum");
        if (allowed.isArray() && allowed.size() > 0) {
            List<String> words = new ArrayList<>();
            allowed.forEach(v -> words.add(v.asText()));
            String last = words.remove(words.size() - 1);
            text += ": use " + (words.isEmpty() ? last : String.join(", ", words) + " or " + last);
        }
        return text;
    }

    /** Whether the schema at {@code owner} takes one value (a string, a number, a boolean) only. */
    private static boolean scalar(JsonNode owner) {
        JsonNode type = owner.path("type");
        return type.isTextual() && !type.asText().equals("array") && !type.asText().equals("object");
    }

    /** The value as a user would recognise it in their file. */
    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "an empty value";
        }
        if (value.isTextual()) {
            return quote(value.textValue());
        }
        if (value.isContainerNode()) {
            String json = value.toString();
            return json.length() <= LONGEST_QUOTE ? json : value.isArray() ? "a list" : "a map";
        }
        return value.asText();
    }

    static String quote(String text) {
        String oneLine = text.replace("\n", "\\n");
        if (oneLine.length() > LONGEST_QUOTE) {
            oneLine = oneLine.substring(0, LONGEST_QUOTE - 3) + "...";
        }
        return "'" + oneLine + "'";
    }

    private JsonNode schemaAt(YamlPath path) {
        JsonNode node = schemaRoot;
        for (Object segment : path.segments()) {
            node = segment instanceof Integer i ? node.path(i) : node.path((String) segment);
        }
        return node;
    }
}
