package io.jcap.formats.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document into the same tree as {@code ObjectMapper.readTree} (ints as int nodes,
 * longs as long nodes, fractions as doubles, the last of duplicate keys, {@link MissingNode} for
 * no content, content after the document ignored) through {@link JsonParser} alone. A mapper's
 * first construction in a process costs about 25 ms of jcap's start (its configuration and
 * serializer classes), while reading with the parser costs a few.
 *
 * <pre>{@code
 * JsonNode manifest = JsonTrees.read(folder.resolve("kernel.json"));
 * String name = manifest.path("name").asText();
 * }</pre>
 */
public final class JsonTrees {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /**
     * What went wrong reading a document, for an error message: for Jackson's exceptions their own
     * first line and the place ({@code Unexpected end-of-input ... at line 1, column 29}) without
     * the source description and hints Jackson's message adds; else the exception's message.
     */
    public static String reason(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            String own = j.getOriginalMessage() == null ? "" : j.getOriginalMessage().lines().findFirst().orElse("")
                    // "(start marker at [Source: REDACTED (...); line: 1, column: 1])": a place in Jackson's words.
                    .replaceAll("\\s*\\([^()]*\\[Source:.*\\]\\)", "");
            return own + (j.getLocation() == null ? ""
                    : " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr());
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Where a JSON file that may hold secrets is not JSON, without a word of its text: Jackson's
     * reason quotes the token it stopped at, which in a credentials file is a password or a
     * token. {@code "not valid JSON at line 1, column 40"}.
     */
    public static String placeOnly(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
            return "not valid JSON at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr();
        }
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException ? "not valid JSON"
                : String.valueOf(e.getMessage());
    }

    /** What {@code node} is, for an error message: {@code a string ("9000")}, {@code an object}, {@code a number (5)}. */
    public static String kind(JsonNode node) {
        if (node.isTextual()) {
            String t = node.textValue();
            return "a string (\"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\")";
        }
        if (node.isNumber()) {
            return "a number (" + node.asText() + ")";
        }
        if (node.isBoolean()) {
            return "a boolean (" + node.asText() + ")";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isNull() ? "null" : "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The document in {@code file}; a syntax error is a {@link JsonParseException} naming line and column. */
    public static JsonNode read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    /** The document in {@code json} (UTF-8 or any encoding Jackson detects). */
    public static JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() == null) {
                return MissingNode.getInstance();
            }
            return value(parser);
        }
    }

    /**
     * The documents of a stream one after another (QMP's messages: JSON objects, one a line), each
     * read as {@link #read(byte[])} reads one.
     */
    public static Sequence sequence(InputStream in) throws IOException {
        return new Sequence(FACTORY.createParser(in));
    }

    /** Reads a stream's documents: {@link #next} until it gives null. */
    public static final class Sequence implements Closeable {
        private final JsonParser parser;

        private Sequence(JsonParser parser) {
            this.parser = parser;
        }

        /** The next document; null once the stream ended. */
        public JsonNode next() throws IOException {
            return parser.nextToken() == null ? null : value(parser);
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /**
     * The tree as compact JSON text, as {@code JsonNode.toString()} writes it, without the mapper
     * that method makes on its first use.
     */
    public static String write(JsonNode node) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON into a string", e);
        }
        return text.toString();
    }

    /**
     * A tree of {@code value}: a map with string keys, a list, a string, a number, a boolean, null or
     * a tree already; anything else is an {@link IllegalArgumentException}.
     */
    public static JsonNode valueOf(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof JsonNode node) {
            return node;
        } else if (value instanceof String text) {
            return NODES.textNode(text);
        } else if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            return NODES.numberNode(((Number) value).doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("a JSON object's key must be a string, not " + e.getKey());
                }
                object.set(key, valueOf(e.getValue()));
            }
            return object;
        } else if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(valueOf(item)));
            return array;
        }
        throw new IllegalArgumentException("no JSON value for a " + value.getClass().getName());
    }

    private static void write(JsonGenerator out, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.writeFieldName(e.getKey());
                    write(out, e.getValue());
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode item : node) {
                    write(out, item);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(node.textValue());
            case NUMBER -> {
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    out.writeNumber(node.longValue());
                } else if (node.isIntegralNumber()) {
                    out.writeNumber(node.bigIntegerValue());
                } else if (node.isBigDecimal()) {
                    out.writeNumber(node.decimalValue());
                } else {
                    out.writeNumber(node.doubleValue());
                }
            }
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL -> out.writeNull();
            default -> throw new IllegalArgumentException("no JSON text for a " + node.getNodeType() + " node");
        }
    }

    /** The value starting at the parser's current token; nesting is bounded by the parser's own limit. */
    private static JsonNode value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    parser.nextToken();
                    object.set(key, value(parser));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(parser, "unexpected " + token);
        }
    }
}
