package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.YamlPath;
import io.jcap.model.EnvName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Capstan's runtimes of {@code meta/run.yaml}: the keys of a configuration under each, and how a
 * configuration reads as a {@link CapstanPackage.ConfigSet}, the way Capstan composes it.
 *
 * <p>{@code native} runs its {@code bootcmd}, or the command of the configuration named in
 * {@code base} ({@code PACKAGE:CONFIGURATION}). The others run a configuration of the runtime's
 * own package from Capstan's repository, which the package then requires, and hand it the
 * program through variables its command reads ({@code $MAIN}, {@code $ARGS}...):
 *
 * <pre>{@code
 * runtime: java                      # requires openjdk8-zulu-compact1, runs its configuration "java"
 * config_set:
 *   app: {main: /app.jar, xmx: 512m} # env MAIN=/app.jar, JVM_ARGS=-jar, XMX=512m, CLASSPATH=/
 * }</pre>
 *
 * <p>OSv's command line carries a variable's value as one word, so a list that would join into
 * a value with a space ({@code args: [a, b]}) is refused at its key (Capstan's runscript would
 * read the second word as another option).
 */
enum CapstanRuntime {
    NATIVE("native", List.of("bootcmd", "env", "base"), null, null),
    JAVA("java", List.of("main", "classpath", "xms", "xmx", "jvm_args", "args", "env", "base"),
            "openjdk8-zulu-compact1", "java"),
    NODE("node", List.of("main", "args", "node_args", "shell", "env", "base"), "node-4.4.5", "node"),
    PYTHON("python", List.of("main", "args", "python_args", "shell", "env", "base"), "python-2.7", "python");

    /** The packages the java runtime's variables suit (Capstan's {@code ^openjdk.*}). */
    private static final Pattern JAVA_PACKAGES = Pattern.compile("openjdk.*");
    private static final Pattern BASE = Pattern.compile("[^:\\s]+:[^:\\s]+");

    final String id;
    final List<String> keys;
    /** The runtime's package in Capstan's repository, or null for native. */
    final String requires;
    /** The configuration of that package the runtime runs. */
    private final String configuration;

    CapstanRuntime(String id, List<String> keys, String requires, String configuration) {
        this.id = id;
        this.keys = keys;
        this.requires = requires;
        this.configuration = configuration;
    }

    static Optional<CapstanRuntime> of(String id) {
        for (CapstanRuntime r : values()) {
            if (r.id.equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static List<String> ids() {
        return java.util.Arrays.stream(values()).map(r -> r.id).toList();
    }

    /** The configuration of the runtime's package it runs, {@code PACKAGE:CONFIGURATION}. */
    String defaultBase() {
        return requires + ":" + configuration;
    }

    /**
     * One configuration's settings (its keys already checked against {@link #keys}); what is
     * wrong goes to {@code checks}.
     */
    Optional<CapstanPackage.ConfigSet> configSet(ManifestChecks checks, YamlPath at, JsonNode map) {
        SortedMap<String, String> env = env(checks, at.key("env"), map.path("env"));
        Optional<String> base = checks.text(at.key("base"), map.path("base"), "PACKAGE:CONFIGURATION");
        if (base.isPresent() && !BASE.matcher(base.get()).matches()) {
            checks.atValue(at.key("base"), SchemaMessages.quote(base.get()) + " is not PACKAGE:CONFIGURATION (the"
                    + " configuration of a required package whose command this one runs, e.g. osv.httpserver-api:httpserver)");
            return Optional.empty();
        }
        int before = checks.findings().size();
        Optional<CapstanPackage.ConfigSet> set = switch (this) {
            case NATIVE -> nativeSet(checks, at, map, env, base);
            case JAVA -> javaSet(checks, at, map, env, base);
            case NODE, PYTHON -> scriptSet(checks, at, map, env, base);
        };
        return checks.findings().size() == before ? set : Optional.empty();
    }

    private Optional<CapstanPackage.ConfigSet> nativeSet(ManifestChecks checks, YamlPath at, JsonNode map,
                                                         SortedMap<String, String> env, Optional<String> base) {
        if (base.isPresent()) {
            if (map.has("bootcmd")) {
                checks.atKey(at.key("bootcmd"), "bootcmd next to base is not run (Capstan runs base's command):"
                        + " remove one of them");
            }
            return Optional.of(new CapstanPackage.ConfigSet("", env, base));
        }
        return checks.required(at, map, "bootcmd", "a command line (/hello)", "the command OSv runs, e.g. bootcmd:"
                + " /hello, or base: PACKAGE:CONFIGURATION").map(bootcmd -> new CapstanPackage.ConfigSet(bootcmd, env));
    }

    private Optional<CapstanPackage.ConfigSet> javaSet(ManifestChecks checks, YamlPath at, JsonNode map,
                                                       SortedMap<String, String> env, Optional<String> base) {
        String runs = base.orElse(defaultBase());
        if (!JAVA_PACKAGES.matcher(runs.substring(0, runs.indexOf(':'))).matches()) {
            for (String key : List.of("main", "classpath", "xms", "xmx", "jvm_args", "args")) {
                if (map.has(key)) {
                    checks.atKey(at.key(key), key + " is for a JVM package's configuration (openjdk...), not for base "
                            + runs + ": remove it, or pass what it says in env");
                }
            }
            return Optional.of(new CapstanPackage.ConfigSet("", env, Optional.of(runs)));
        }
        Optional<String> main = checks.required(at, map, "main", "a main class or jar (/app.jar)",
                "the program the JVM runs, e.g. main: com.example.Main or main: /app.jar");
        List<String> classpath = list(checks, at.key("classpath"), map.path("classpath"));
        List<String> jvmArgs = list(checks, at.key("jvm_args"), map.path("jvm_args"));
        if (main.filter(m -> m.endsWith(".jar")).isPresent() && !jvmArgs.contains("-jar")) {
            jvmArgs.add("-jar");
        }
        Map<String, String> defaults = new java.util.LinkedHashMap<>();
        checks.text(at.key("xms"), map.path("xms"), "a heap size (512m)").ifPresent(v -> defaults.put("XMS", v));
        checks.text(at.key("xmx"), map.path("xmx"), "a heap size (512m)").ifPresent(v -> defaults.put("XMX", v));
        defaults.put("CLASSPATH", String.join(":", classpath.isEmpty() ? List.of("/") : classpath));
        defaults.put("JVM_ARGS", oneWord(checks, at.key("jvm_args"), jvmArgs.isEmpty() ? List.of("-Dx=y") : jvmArgs));
        main.ifPresent(m -> defaults.put("MAIN", m));
        defaults.put("ARGS", oneWord(checks, at.key("args"), list(checks, at.key("args"), map.path("args"))));
        addDefaults(env, defaults);
        return Optional.of(new CapstanPackage.ConfigSet("", env, Optional.of(runs)));
    }

    /** node and python: Capstan always runs the runtime package's configuration, whatever base says. */
    private Optional<CapstanPackage.ConfigSet> scriptSet(ManifestChecks checks, YamlPath at, JsonNode map,
                                                         SortedMap<String, String> env, Optional<String> base) {
        String argsKey = id + "_args";
        if (base.isPresent()) {
            checks.atKey(at.key("base"), "base is not read under runtime " + id + " (Capstan runs " + defaultBase()
                    + "): remove it, or use runtime: native to run another package's configuration");
        }
        boolean shell = false;
        JsonNode shellNode = map.path("shell");
        if (!shellNode.isMissingNode() && !shellNode.isNull()) {
            if (shellNode.isBoolean()) {
                shell = shellNode.booleanValue();
            } else {
                checks.atValue(at.key("shell"), SchemaMessages.describe(shellNode) + " is not true or false");
            }
        }
        String args = oneWord(checks, at.key(argsKey), list(checks, at.key(argsKey), map.path(argsKey)));
        Map<String, String> defaults = new java.util.LinkedHashMap<>();
        defaults.put(argsKey.toUpperCase(java.util.Locale.ROOT), args.isEmpty() ? (this == NODE ? "--" : "-O") : args);
        if (shell) {
            for (String key : List.of("main", "args")) {
                if (map.has(key)) {
                    checks.atKey(at.key(key), key + " is not read with shell: true (the interpreter starts on the"
                            + " console): remove it, or shell");
                }
            }
            for (String variable : List.of("MAIN", "ARGS")) {
                if (!env.getOrDefault(variable, "").isEmpty()) {
                    checks.atKey(at.key("env").key(variable), "env " + variable + " is set by shell: true: remove it");
                }
            }
            env.put("MAIN", this == PYTHON ? "-" : "");
            env.put("ARGS", "");
        } else {
            checks.required(at, map, "main", "a script (/app.js)", "the script the " + id + " runtime runs, e.g. main:"
                    + " /app." + (this == NODE ? "js" : "py")).ifPresent(m -> defaults.put("MAIN", m));
            defaults.put("ARGS", oneWord(checks, at.key("args"), list(checks, at.key("args"), map.path("args"))));
        }
        addDefaults(env, defaults);
        return Optional.of(new CapstanPackage.ConfigSet("", env, Optional.of(defaultBase())));
    }

    /** Capstan's defaults: a variable the configuration's env lacks, unless its value is empty. */
    private static void addDefaults(SortedMap<String, String> env, Map<String, String> defaults) {
        defaults.forEach((key, value) -> {
            if (!value.isEmpty()) {
                env.putIfAbsent(key, value);
            }
        });
    }

    /** The words joined with a space, which must make one word on OSv's command line. */
    private static String oneWord(ManifestChecks checks, YamlPath at, List<String> words) {
        String joined = String.join(" ", words);
        if (words.size() > 1 || joined.chars().anyMatch(Character::isWhitespace)) {
            checks.atValue(at, "these " + words.size() + " words become one variable, '" + joined + "', which OSv's"
                    + " command line cannot carry with a space in it: give one word, or use runtime: native with a"
                    + " bootcmd that spells the whole command");
        }
        return joined;
    }

    private static List<String> list(ManifestChecks checks, YamlPath at, JsonNode node) {
        List<String> words = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return words;
        }
        if (!node.isArray()) {
            checks.atValue(at, SchemaMessages.describe(node) + " is not a list (- /app)");
            return words;
        }
        for (int i = 0; i < node.size(); i++) {
            checks.text(at.index(i), node.get(i), "text").ifPresent(words::add);
        }
        return words;
    }

    static SortedMap<String, String> env(ManifestChecks checks, YamlPath at, JsonNode node) {
        SortedMap<String, String> env = new TreeMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return env;
        }
        Optional<JsonNode> map = checks.map(at, node, "a map of variable name to value (PORT: 8000)");
        for (var it = map.map(JsonNode::fields).orElse(List.<Map.Entry<String, JsonNode>>of().iterator());
             it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            YamlPath variable = at.key(entry.getKey());
            if (!EnvName.valid(entry.getKey())) {
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
}
