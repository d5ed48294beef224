package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.jcap.capstanfile.yaml.Finding;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlPath;
import io.jcap.model.ByteSize;
import io.jcap.model.FsType;
import io.jcap.model.GuestMemory;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Maps a schema-checked YAML tree to a {@link Capstanfile} and makes the checks a schema cannot:
 * paths, port ranges, the build command. It tolerates nodes of the wrong type (the schema has
 * reported them) so that every problem of a file is found in one run.
 */
final class CapstanfileMapper {
    private final Path file;
    private final Path projectDir;
    private final LocatedYaml yaml;
    private final JsonNode root;
    private final List<Finding> findings = new ArrayList<>();
    private final boolean checkHostFiles;
    private final Optional<String> defaultMain;

    CapstanfileMapper(Path file, Path projectDir, LocatedYaml yaml, boolean checkHostFiles, Optional<String> defaultMain) {
        this.checkHostFiles = checkHostFiles;
        this.defaultMain = defaultMain;
        this.file = file;
        this.projectDir = projectDir;
        this.yaml = yaml;
        this.root = yaml.root().isObject() ? yaml.root() : MissingNode.getInstance();
    }

    /**
     * Maps the tree, adding to {@link #findings()} what is wrong.
     *
     * @param schemaValid whether the schema found no problem; only then can a Capstanfile be made
     * @return the Capstanfile, or empty when the schema or this mapping found a problem
     */
    Optional<Capstanfile> map(boolean schemaValid) {
        HostFiles hostFiles = new HostFiles(projectDir, yaml, findings, checkHostFiles);
        List<String> build = build();
        SortedMap<GuestPath, Path> files = hostFiles.files(root.path("files"));
        Optional<Path> rootfs = hostFiles.rootfs(root.path("rootfs"));
        Optional<ByteSize> size = size(root.path("size"), at("size"));
        Optional<ByteSize> memory = memory(root.path("memory"), at("memory"));
        List<PortMapping> ports = ports();
        Optional<Runtime> runtime = runtime(root.path("runtime"));
        if (text("cmdline").isEmpty() && defaultMain.isPresent()) {
            runtime = withMain(runtime, defaultMain.get());
        }
        if (!schemaValid || !findings.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Capstanfile(file, projectDir,
                text("base"), text("from"), text("kernel"), text("cmdline"),
                build, files, rootfs,
                rpmBase(root.path("rpm-base")),
                text("fs").map(FsType::of),
                size, memory, cpus(), ports, env(), runtime, Optional.empty()));
    }

    /**
     * The runtime with the caller's main class when the file names no command (no {@code main}, no
     * {@code jar}); a native runtime still needs {@code cmdline}, which is reported.
     */
    private Optional<Runtime> withMain(Optional<Runtime> runtime, String main) {
        if (runtime.isEmpty()) {
            return Optional.of(new Runtime.Java(Optional.of(main), Optional.empty(), List.of(), List.of(),
                    Optional.empty(), Optional.empty(), List.of()));
        }
        if (runtime.get() instanceof Runtime.Java java) {
            return java.canDeriveCmdline() ? runtime : Optional.of(new Runtime.Java(Optional.of(main), java.jar(),
                    java.classpath(), java.jvmArgs(), java.xms(), java.xmx(), java.args()));
        }
        findings.add(new Finding(YamlPath.ROOT, yaml.valuePosition(YamlPath.ROOT),
                "cmdline is required (runtime: native runs the program cmdline names, e.g. cmdline: /hello)"));
        return runtime;
    }

    List<Finding> findings() {
        return List.copyOf(findings);
    }

    private static YamlPath at(String key) {
        return YamlPath.ROOT.key(key);
    }

    private Optional<String> text(String key) {
        JsonNode node = root.path(key);
        return node.isTextual() ? Optional.of(node.textValue()) : Optional.empty();
    }

    private List<String> build() {
        JsonNode node = root.path("build");
        if (node.isTextual()) {
            return parse(node, at("build"), n -> CommandWords.splitBuild(n.textValue())).orElse(List.of());
        }
        return strings(node);
    }

    private static List<String> strings(JsonNode list) {
        List<String> words = new ArrayList<>();
        list.forEach(item -> {
            if (item.isTextual()) {
                words.add(item.textValue());
            }
        });
        return list.isArray() ? words : List.of();
    }

    private Optional<String> rpmBase(JsonNode node) {
        if (node.isTextual()) {
            return Optional.of(node.textValue());
        }
        if (!node.isObject()) {
            return Optional.empty();
        }
        // Capstan's map form names the package file: name-version-release.arch (.rpm). Versions
        // are taken as written, so an unquoted 5.10 stays 5.10.
        YamlPath at = at("rpm-base");
        Function<String, String> part = key -> yaml.scalarText(at.key(key)).orElse("");
        return Optional.of(part.apply("name") + "-" + part.apply("version") + "-" + part.apply("release")
                + "." + part.apply("arch"));
    }

    private Optional<ByteSize> size(JsonNode node, YamlPath at) {
        return node.isTextual() ? parse(node, at, n -> ByteSize.parse(n.textValue())) : Optional.empty();
    }

    private Optional<ByteSize> memory(JsonNode node, YamlPath at) {
        return node.isTextual() ? parse(node, at, n -> GuestMemory.parse(n.textValue()).size()) : Optional.empty();
    }

    private OptionalInt cpus() {
        JsonNode node = root.path("cpus");
        return node.isIntegralNumber() && node.canConvertToInt() ? OptionalInt.of(node.intValue()) : OptionalInt.empty();
    }

    private List<PortMapping> ports() {
        List<PortMapping> ports = new ArrayList<>();
        Map<String, YamlPath> hostPorts = new HashMap<>();
        JsonNode list = root.path("ports");
        for (int i = 0; i < list.size() && list.isArray(); i++) {
            JsonNode item = list.get(i);
            YamlPath at = at("ports").index(i);
            Optional<PortMapping> port = item.isIntegralNumber() && item.canConvertToInt()
                    ? parse(item, at, n -> PortMapping.of(n.intValue()))
                    : item.isTextual() ? parse(item, at, n -> PortMapping.parse(n.textValue())) : Optional.empty();
            port.ifPresent(p -> {
                String host = p.host() + "/" + p.protocol().id();
                YamlPath earlier = hostPorts.putIfAbsent(host, at);
                if (earlier != null) {
                    findings.add(new Finding(at, yaml.valuePosition(at),
                            "host port " + host + " is already forwarded by " + earlier));
                } else {
                    ports.add(p);
                }
            });
        }
        return ports;
    }

    private SortedMap<String, String> env() {
        SortedMap<String, String> env = new TreeMap<>();
        root.path("env").fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                env.put(e.getKey(), e.getValue().textValue());
            }
        });
        return env;
    }

    private Optional<Runtime> runtime(JsonNode node) {
        if (node.isTextual() || node.has("native")) {
            return Optional.of(new Runtime.Native());
        }
        JsonNode java = node.path("java");
        if (!java.isObject()) {
            return Optional.empty();
        }
        YamlPath at = at("runtime").key("java");
        JsonNode main = java.path("main");
        List<GuestPath> classpath = new ArrayList<>();
        JsonNode entries = java.path("classpath");
        for (int i = 0; i < entries.size() && entries.isArray(); i++) {
            guestPath(entries.get(i), at.key("classpath").index(i)).ifPresent(classpath::add);
        }
        Optional<ByteSize> xms = size(java.path("xms"), at.key("xms"));
        Optional<ByteSize> xmx = size(java.path("xmx"), at.key("xmx"));
        if (xms.isPresent() && xmx.isPresent() && xms.get().compareTo(xmx.get()) > 0) {
            // The JVM would refuse to start at every boot: "Initial heap size set to a larger value
            // than the maximum heap size".
            findings.add(new Finding(at.key("xms"), yaml.valuePosition(at.key("xms")), java.path("xms").textValue()
                    + " is more than xmx " + java.path("xmx").textValue() + ": the JVM refuses to start with an initial"
                    + " heap larger than its maximum; make xms at most xmx"));
        }
        return Optional.of(new Runtime.Java(
                main.isTextual() ? Optional.of(main.textValue()) : Optional.empty(),
                guestPath(java.path("jar"), at.key("jar")),
                classpath,
                strings(java.path("jvm_args")),
                xms,
                xmx,
                strings(java.path("args"))));
    }

    private Optional<GuestPath> guestPath(JsonNode node, YamlPath at) {
        return node.isTextual() ? parse(node, at, n -> GuestPath.of(n.textValue())) : Optional.empty();
    }

    /** Applies a domain parser, turning its IllegalArgumentException into a finding at the value. */
    private <T> Optional<T> parse(JsonNode node, YamlPath at, Function<JsonNode, T> parser) {
        try {
            return Optional.of(parser.apply(node));
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(at, yaml.valuePosition(at), e.getMessage()));
            return Optional.empty();
        }
    }
}
