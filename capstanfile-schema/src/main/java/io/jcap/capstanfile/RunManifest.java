package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.YamlPath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Capstan's run configuration, {@code meta/run.yaml}: the runtime and the named configurations
 * ({@code config_set}, {@code config_set_default}), or, in the older form without
 * {@code config_set}, one configuration in the top-level keys (called {@value CapstanPackage#UNNAMED}).
 *
 * <pre>{@code
 * runtime: native
 * config_set:
 *   hello:
 *     bootcmd: /hello
 *     env: {GREETING: hi}
 *   shout:
 *     bootcmd: /hello --shout
 * config_set_default: hello
 * }</pre>
 *
 * <p>jcap builds {@code runtime: native} packages. Capstan's {@code java}, {@code node} and
 * {@code python} runtimes run on packages of Capstan's repository (a JVM, Node.js, Python built
 * for OSv), which jcap cannot add; they are refused with that reason. So is {@code base}, which
 * takes the command of another package's configuration.
 *
 * @param defaultConfigSet the configuration the image boots: the one asked for, else
 *     {@code config_set_default}, else the only one, else the one named {@code default} (Capstan
 *     boots {@code /run/default} then)
 */
record RunManifest(SortedMap<String, CapstanPackage.ConfigSet> configSets, String defaultConfigSet, boolean named) {
    static final List<String> TOP_KEYS = List.of("runtime", "config_set", "config_set_default", "bootcmd", "env",
            "base");
    static final List<String> SET_KEYS = List.of("bootcmd", "env", "base");
    static final String NATIVE = "native";

    /** Capstan's configuration names become file names ({@code /run/NAME}); ',' separates them in a default. */
    private static final Pattern SET_NAME = Pattern.compile("[^\\s,/:]+");
    private static final YamlPath CONFIG_SET = YamlPath.ROOT.key("config_set");
    private static final YamlPath CONFIG_SET_DEFAULT = YamlPath.ROOT.key("config_set_default");

    RunManifest {
        configSets = new TreeMap<>(configSets);
    }

    /**
     * Reads the checked YAML of {@code meta/run.yaml}; what is wrong goes to {@code checks}.
     *
     * @param requested the configuration the image boots by default instead of the file's choice
     * @return the manifest, or empty when something is wrong
     */
    static Optional<RunManifest> read(ManifestChecks checks, Optional<String> requested) {
        YamlPath top = YamlPath.ROOT;
        Optional<JsonNode> map = checks.map(top, checks.yaml().root(), "a map of run keys (runtime: native)");
        if (map.isEmpty()) {
            return Optional.empty();
        }
        JsonNode root = map.get();
        Optional<String> runtime = checks.required(top, root, "runtime", "a Capstan runtime (native)",
                "how the package runs, e.g. runtime: native");
        if (runtime.isPresent() && !runtime.get().equals(NATIVE)) {
            checks.atValue(top.key("runtime"), unsupportedRuntime(runtime.get()));
            return Optional.empty();
        }
        checks.knownKeys(top, root, TOP_KEYS);
        boolean named = root.has("config_set");
        Set<String> declared = new TreeSet<>();
        SortedMap<String, CapstanPackage.ConfigSet> sets = named ? named(checks, root, declared)
                : unnamed(checks, root, declared);
        Optional<String> chosen = declared.isEmpty() ? Optional.empty()
                : choose(checks, root, declared, named, requested);
        if (chosen.isEmpty() || !checks.findings().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RunManifest(sets, chosen.get(), named));
    }

    /**
     * The configurations under {@code config_set}; {@code declared} gets the name of each, also of
     * those with a problem, so that {@code config_set_default} is checked against them all.
     */
    private static SortedMap<String, CapstanPackage.ConfigSet> named(ManifestChecks checks, JsonNode root,
                                                                     Set<String> declared) {
        for (String key : SET_KEYS) {
            if (root.has(key)) {
                checks.atKey(YamlPath.ROOT.key(key), key + " next to config_set is not read (Capstan takes the"
                        + " configurations from config_set only): move it into a configuration");
            }
        }
        SortedMap<String, CapstanPackage.ConfigSet> sets = new TreeMap<>();
        Optional<JsonNode> map = checks.map(CONFIG_SET, root.path("config_set"),
                "a map of configuration name to its settings (hello: {bootcmd: /hello})");
        if (map.isEmpty()) {
            return sets;
        }
        if (map.get().isEmpty()) {
            checks.atValue(CONFIG_SET, "config_set has no configuration: add one (hello: {bootcmd: /hello})");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.get().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            YamlPath at = CONFIG_SET.key(entry.getKey());
            if (!SET_NAME.matcher(entry.getKey()).matches()) {
                checks.atKey(at, SchemaMessages.quote(entry.getKey()) + " is not a configuration name: leave out"
                        + " spaces, ',', '/' and ':'");
                continue;
            }
            declared.add(entry.getKey());
            Optional<JsonNode> settings = checks.map(at, entry.getValue(),
                    "a map of configuration settings (bootcmd: /hello)");
            if (settings.isPresent()) {
                checks.knownKeys(at, settings.get(), SET_KEYS);
                configSet(checks, at, settings.get()).ifPresent(set -> sets.put(entry.getKey(), set));
            }
        }
        return sets;
    }

    private static SortedMap<String, CapstanPackage.ConfigSet> unnamed(ManifestChecks checks, JsonNode root,
                                                                       Set<String> declared) {
        if (root.has("config_set_default")) {
            checks.atKey(CONFIG_SET_DEFAULT, "config_set_default names a configuration of config_set, which this file"
                    + " lacks: remove it, or name the configurations in config_set");
        }
        SortedMap<String, CapstanPackage.ConfigSet> sets = new TreeMap<>();
        declared.add(CapstanPackage.UNNAMED);
        configSet(checks, YamlPath.ROOT, root).ifPresent(set -> sets.put(CapstanPackage.UNNAMED, set));
        return sets;
    }

    /** One configuration's {@code bootcmd}, {@code env} and {@code base} (its keys already checked). */
    private static Optional<CapstanPackage.ConfigSet> configSet(ManifestChecks checks, YamlPath at, JsonNode map) {
        SortedMap<String, String> env = env(checks, at.key("env"), map.path("env"));
        JsonNode base = map.path("base");
        if (!base.isMissingNode()) {
            checks.atValue(at.key("base"), SchemaMessages.describe(base) + " would take the command of another"
                    + " package's configuration (PACKAGE:CONFIGURATION), and jcap has no package repository to read it"
                    + " from: write the command in bootcmd");
            if (!map.has("bootcmd")) {
                return Optional.empty();
            }
        }
        return checks.required(at, map, "bootcmd", "a command line (/hello)", "the command OSv runs, e.g. bootcmd: /hello")
                .map(bootcmd -> new CapstanPackage.ConfigSet(bootcmd, env));
    }

    private static SortedMap<String, String> env(ManifestChecks checks, YamlPath at, JsonNode node) {
        SortedMap<String, String> env = new TreeMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return env;
        }
        Optional<JsonNode> map = checks.map(at, node, "a map of variable name to value (PORT: 8000)");
        for (Iterator<Map.Entry<String, JsonNode>> it = map.map(JsonNode::fields).orElse(List.<Map.Entry<String,
                JsonNode>>of().iterator()); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            YamlPath variable = at.key(entry.getKey());
            if (!ManifestChecks.ENV_NAME.matcher(entry.getKey()).matches()) {
                checks.atKey(variable, SchemaMessages.quote(entry.getKey()) + " is not a variable name: "
                        + ManifestChecks.ENV_NAME_RULE);
                continue;
            }
            if (entry.getValue().isNull()) {
                env.put(entry.getKey(), "");
            } else {
                checks.text(variable, entry.getValue(), "a value (PORT: 8000)").ifPresent(v -> env.put(entry.getKey(), v));
            }
        }
        return env;
    }

    /** The configuration the image boots by default (see the record's comment). */
    private static Optional<String> choose(ManifestChecks checks, JsonNode root, Set<String> sets, boolean named,
                                           Optional<String> requested) {
        if (requested.isPresent()) {
            if (sets.contains(requested.get())) {
                return requested;
            }
            String missing = "no configuration " + SchemaMessages.quote(requested.get()) + " to boot by default: ";
            if (named) {
                checks.atKey(CONFIG_SET, "config_set has " + missing + "use " + choices(sets));
            } else {
                checks.atValue(YamlPath.ROOT, missing + "the one configuration of this file (its top-level keys) is"
                        + " called '" + CapstanPackage.UNNAMED + "'");
            }
            return Optional.empty();
        }
        JsonNode fileDefault = root.path("config_set_default");
        if (named && !fileDefault.isMissingNode()) {
            Optional<String> name = checks.required(YamlPath.ROOT, root, "config_set_default",
                    "a configuration name (hello)", "");
            if (name.filter(n -> n.contains(",")).isPresent()) {
                checks.atValue(CONFIG_SET_DEFAULT, SchemaMessages.quote(name.get()) + " names several configurations,"
                        + " which Capstan runs one after the other; jcap boots one: use " + choices(sets));
                return Optional.empty();
            }
            if (name.isPresent() && !sets.contains(name.get())) {
                checks.atValue(CONFIG_SET_DEFAULT, SchemaMessages.quote(name.get()) + " is not a configuration of"
                        + " config_set: use " + choices(sets));
                return Optional.empty();
            }
            return name;
        }
        if (sets.size() == 1) {
            return Optional.of(sets.iterator().next());
        }
        if (sets.contains(CapstanPackage.UNNAMED)) {
            return Optional.of(CapstanPackage.UNNAMED);
        }
        checks.atKey(CONFIG_SET, "config_set has " + sets.size() + " configurations (" + String.join(", ",
                sets) + ") and no config_set_default: say which one the image boots (config_set_default: "
                + sets.iterator().next() + "), or build with --config-set NAME");
        return Optional.empty();
    }

    /** {@code a}, {@code a or b}, {@code a, b or c}. */
    static String choices(Collection<String> names) {
        List<String> words = new ArrayList<>(names);
        String last = words.remove(words.size() - 1);
        return words.isEmpty() ? last : String.join(", ", words) + " or " + last;
    }

    private static String unsupportedRuntime(String runtime) {
        String needs = switch (runtime) {
            case "java" -> "Capstan's JVM package openjdk8-zulu-compact1";
            case "node" -> "Capstan's Node.js package node-4.4.5";
            case "python" -> "Capstan's Python package python-2.7";
            default -> null;
        };
        if (needs == null) {
            return SchemaMessages.quote(runtime) + " is not a Capstan runtime: use native (Capstan's others are java,"
                    + " node and python)";
        }
        return "runtime " + runtime + " runs on " + needs + ", which jcap cannot add (it has no package repository):"
                + " copy a " + runtime + " runtime built for OSv into this folder and use runtime: native with a bootcmd"
                + " that starts it" + (runtime.equals("java") ? " (jcap's own runtime: java builds Linux images from a"
                + " Capstanfile)" : "");
    }
}
