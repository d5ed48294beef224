package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlPath;
import java.util.List;

/**
 * Capstan reads a Capstanfile with Go's yaml.v2 into string fields, so a scalar there is the text
 * written ({@code build: true} runs {@code true}; a host path {@code 1.0} is "1.0") and an empty
 * value is "", the same as no key. Real Capstanfiles rely on both (osv-apps' perl-hello: "build:
 * true", with the comment "no build - just uploading hello.pl"), so jcap reads those keys the same
 * way before its schema judges the file. Keys of jcap's own keep their types.
 */
final class CapstanScalars {
    /** Capstan's string keys: a number or a boolean there is taken as the text written. */
    static final List<String> TEXT_KEYS = List.of("base", "build", "cmdline", "rootfs");
    /** Capstan's keys where an empty value means what no key means. */
    static final List<String> EMPTY_MEANS_ABSENT = List.of("base", "build", "files", "rootfs");

    private CapstanScalars() {
    }

    static void apply(LocatedYaml yaml) {
        if (!(yaml.root() instanceof ObjectNode root)) {
            return;
        }
        for (String key : EMPTY_MEANS_ABSENT) {
            if (root.has(key) && root.get(key).isNull()) {
                root.remove(key);
            }
        }
        for (String key : TEXT_KEYS) {
            asText(yaml, root, key, YamlPath.ROOT.key(key));
        }
        if (root.get("files") instanceof ObjectNode files) {
            List<String> names = new java.util.ArrayList<>();
            files.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                asText(yaml, files, name, YamlPath.ROOT.key("files").key(name));
            }
        }
    }

    private static void asText(LocatedYaml yaml, ObjectNode map, String key, YamlPath path) {
        JsonNode value = map.get(key);
        if (value != null && (value.isNumber() || value.isBoolean())) {
            map.set(key, TextNode.valueOf(yaml.scalarText(path).orElseGet(value::asText)));
        }
    }
}
