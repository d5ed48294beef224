package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.Finding;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of a Capstan package file ({@code meta/package.yaml}, {@code meta/run.yaml}), which
 * jcap reads by hand rather than through a schema since the keys allowed depend on the runtime.
 * Findings read as the Capstanfile's do: unknown keys with a suggestion, "X is not Y" at the value,
 * "K is required (why)" at the map.
 *
 * <p>Capstan reads numbers and booleans into its text fields as written ({@code version: 1.0},
 * {@code PORT: 8000}); so does jcap, where a Capstanfile would ask for quotes.
 */
final class ManifestChecks {
    static final String ENV_NAME_RULE = "letters, digits and _, not starting with a digit (JAVA_OPTS)";

    private final LocatedYaml yaml;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Finding> ignored = new ArrayList<>();
    private boolean lenient;

    ManifestChecks(LocatedYaml yaml) {
        this.yaml = yaml;
        findings.addAll(yaml.findings());
    }

    /**
     * Unknown keys become {@link #ignored} rather than findings, as Capstan ignores them: for the
     * files of a package someone else made, which its user cannot fix.
     */
    ManifestChecks lenient() {
        lenient = true;
        return this;
    }

    /** The unknown keys a {@link #lenient} check passed over. */
    List<Finding> ignored() {
        return List.copyOf(ignored);
    }

    LocatedYaml yaml() {
        return yaml;
    }

    List<Finding> findings() {
        return List.copyOf(findings);
    }

    /** A finding at the value of {@code at}. */
    void atValue(YamlPath at, String message) {
        findings.add(new Finding(at, yaml.valuePosition(at), message));
    }

    /** A finding about the key of {@code at}, reported against the map holding it. */
    void atKey(YamlPath at, String message) {
        findings.add(new Finding(at.parent(), yaml.keyPosition(at), message));
    }

    /** {@code node} when it is a map; else a finding saying what was expected. */
    Optional<JsonNode> map(YamlPath at, JsonNode node, String expected) {
        if (node.isObject()) {
            return Optional.of(node);
        }
        atValue(at, SchemaMessages.describe(node) + " is not " + expected);
        return Optional.empty();
    }

    /** Reports each key of {@code map} not in {@code known}, at the key. */
    void knownKeys(YamlPath at, JsonNode map, List<String> known) {
        map.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                if (lenient) {
                    ignored.add(new Finding(at, yaml.keyPosition(at.key(name)), "unknown key "
                            + SchemaMessages.quote(name) + " ignored, as Capstan ignores it"));
                } else {
                    atKey(at.key(name), SchemaMessages.unknownKey(name, known));
                }
            }
        });
    }

    /**
     * The text of a scalar as written; empty, without a finding, when the key is missing or
     * empty ({@code title:}), as Capstan leaves such a field unset.
     */
    Optional<String> text(YamlPath at, JsonNode node, String expected) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isValueNode()) {
            return Optional.of(yaml.scalarText(at).orElseGet(node::asText));
        }
        atValue(at, SchemaMessages.describe(node) + " is not " + expected);
        return Optional.empty();
    }

    /** The text of {@code key} in {@code map}, which must be there and not blank. */
    Optional<String> required(YamlPath at, JsonNode map, String key, String expected, String why) {
        JsonNode node = map.path(key);
        if (node.isMissingNode()) {
            atValue(at, key + " is required (" + why + ")");
            return Optional.empty();
        }
        Optional<String> text = text(at.key(key), node, expected);
        if (node.isNull() || text.filter(String::isBlank).isPresent()) {
            atValue(at.key(key), "an empty value is not " + expected);
            return Optional.empty();
        }
        return text;
    }
}
