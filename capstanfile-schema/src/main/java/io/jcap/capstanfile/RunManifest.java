package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.Position;
import io.jcap.capstanfile.yaml.YamlPath;
import java.nio.file.Path;
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
 * <p>Every runtime of Capstan's is read ({@link CapstanRuntime}): {@code native} runs its
 * {@code bootcmd} or another configuration's ({@code base}); {@code java}, {@code node} and
 * {@code python} run a configuration of their package from Capstan's repository, which
 * {@link #runtimeRequires} names.
 *
 * @param defaultConfigSet the configuration the image boots: the one asked for, else
 *     {@code config_set_default}, else the only one, else the one named {@code default} (Capstan
 *     boots {@code /run/default} then); for a package of the repository, which need not say,
 *     empty when none of these applies. Several names separated by {@code ,} run one after the
 *     other ({@code setup,app}), as in Capstan
 * @param runtimeRequires the runtime's package, at the {@code runtime} key; empty for native
 */
record RunManifest(SortedMap<String, CapstanPackage.ConfigSet> configSets, Optional<String> defaultConfigSet,
                   boolean named, Optional<CapstanPackage.Requirement> runtimeRequires) {
    static final List<String> FILE_KEYS = List.of("runtime", "config_set", "config_set_default");

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
     * @param shown the file as messages name it
     * @param needsDefault whether the file must say which configuration boots (a package being
     *     built) or not (a package of the repository, whose configurations are run by name)
     * @return the manifest, or empty when something is wrong
     */
    static Optional<RunManifest> read(ManifestChecks checks, Optional<String> requested, Path shown,
                                      boolean needsDefault) {
        YamlPath top = YamlPath.ROOT;
        Optional<JsonNode> map = checks.map(top, checks.yaml().root(), "a map of run keys (runtime: native)");
        if (map.isEmpty()) {
            return Optional.empty();
        }
        JsonNode root = map.get();
        Optional<String> runtimeId = checks.required(top, root, "runtime", "a Capstan runtime (native)",
                "how the package runs, e.g. runtime: native");
        Optional<CapstanRuntime> runtime = runtimeId.flatMap(CapstanRuntime::of);
        if (runtimeId.isPresent() && runtime.isEmpty()) {
            checks.atValue(top.key("runtime"), SchemaMessages.quote(runtimeId.get()) + " is not a Capstan runtime: use "
                    + choices(CapstanRuntime.ids()));
        }
        if (runtime.isEmpty()) {
            return Optional.empty();
        }
        List<String> topKeys = new ArrayList<>(FILE_KEYS);
        topKeys.addAll(runtime.get().keys);
        checks.knownKeys(top, root, topKeys);
        boolean named = root.has("config_set");
        Set<String> declared = new TreeSet<>();
        SortedMap<String, CapstanPackage.ConfigSet> sets = named ? named(checks, root, declared, runtime.get())
                : unnamed(checks, root, declared, runtime.get());
        Optional<String> chosen = declared.isEmpty() || (!needsDefault && requested.isEmpty()
                && !root.has("config_set_default") && declared.size() > 1 && !declared.contains(CapstanPackage.UNNAMED))
                ? Optional.empty() : choose(checks, root, declared, named, requested);
        if ((needsDefault && chosen.isEmpty()) || !checks.findings().isEmpty()) {
            return Optional.empty();
        }
        Optional<CapstanPackage.Requirement> requires = Optional.empty();
        if (runtime.get().requires != null) {
            Position at = checks.yaml().valuePosition(top.key("runtime"));
            requires = Optional.of(new CapstanPackage.Requirement(runtime.get().requires, shown, at.line(),
                    at.column(), "runtime"));
        }
        return Optional.of(new RunManifest(sets, chosen, named, requires));
    }

    /**
     * The configurations under {@code config_set}; {@code declared} gets the name of each, also of
     * those with a problem, so that {@code config_set_default} is checked against them all.
     */
    private static SortedMap<String, CapstanPackage.ConfigSet> named(ManifestChecks checks, JsonNode root,
                                                                     Set<String> declared, CapstanRuntime runtime) {
        for (String key : runtime.keys) {
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
                checks.knownKeys(at, settings.get(), runtime.keys);
                runtime.configSet(checks, at, settings.get()).ifPresent(set -> sets.put(entry.getKey(), set));
            }
        }
        return sets;
    }

    private static SortedMap<String, CapstanPackage.ConfigSet> unnamed(ManifestChecks checks, JsonNode root,
                                                                       Set<String> declared, CapstanRuntime runtime) {
        if (root.has("config_set_default")) {
            checks.atKey(CONFIG_SET_DEFAULT, "config_set_default names a configuration of config_set, which this file"
                    + " lacks: remove it, or name the configurations in config_set");
        }
        SortedMap<String, CapstanPackage.ConfigSet> sets = new TreeMap<>();
        declared.add(CapstanPackage.UNNAMED);
        runtime.configSet(checks, YamlPath.ROOT, root).ifPresent(set -> sets.put(CapstanPackage.UNNAMED, set));
        return sets;
    }

    /** The configuration the image boots by default (see the record's comment). */
    private static Optional<String> choose(ManifestChecks checks, JsonNode root, Set<String> sets, boolean named,
                                           Optional<String> requested) {
        if (requested.isPresent()) {
            List<String> absent = sequence(requested.get()).stream().filter(n -> !sets.contains(n)).toList();
            if (absent.isEmpty()) {
                return Optional.of(String.join(",", sequence(requested.get())));
            }
            String missing = "no configuration " + SchemaMessages.quote(absent.get(0)) + " to boot by default: ";
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
            if (name.isPresent()) {
                List<String> missing = sequence(name.get()).stream().filter(n -> !sets.contains(n)).toList();
                if (!missing.isEmpty()) {
                    checks.atValue(CONFIG_SET_DEFAULT, (name.get().contains(",") ? SchemaMessages.quote(missing.get(0))
                            + " (of " + SchemaMessages.quote(name.get()) + ")" : SchemaMessages.quote(name.get()))
                            + " is not a configuration of config_set: use " + choices(sets)
                            + (sets.size() > 1 ? ", or several in turn, separated by ',' (" + String.join(",", sets) + ")" : ""));
                    return Optional.empty();
                }
            }
            return name.map(n -> String.join(",", sequence(n)));
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

    /**
     * The configurations a default names, in the order they run: Capstan's {@code a,b} runs
     * {@code a}, then {@code b}.
     */
    static List<String> sequence(String names) {
        return java.util.Arrays.stream(names.split(",", -1)).map(String::strip).toList();
    }

    /** {@code a}, {@code a or b}, {@code a, b or c}. */
    static String choices(Collection<String> names) {
        List<String> words = new ArrayList<>(names);
        String last = words.remove(words.size() - 1);
        return words.isEmpty() ? last : String.join(", ", words) + " or " + last;
    }
}
