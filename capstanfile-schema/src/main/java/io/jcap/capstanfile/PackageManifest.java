package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.YamlPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Capstan's package descriptor, {@code meta/package.yaml}: what jcap takes from it (the name and
 * the required packages) once its keys are checked. Capstan's other keys ({@code title},
 * {@code author}, {@code version}, {@code created}, {@code platform}, {@code binary}) are
 * accepted and not used.
 *
 * <p>jcap has no package repository, so {@code require} may name only {@code osv.bootstrap}
 * (Capstan's base package, OSv's own files, which the OSv loader image provides); any other
 * package is a problem saying what it is and how to bring its files.
 *
 * @param name the package's name
 * @param require the required packages, in file order
 */
record PackageManifest(String name, List<String> require) {
    static final List<String> KEYS = List.of("name", "title", "author", "version", "require", "binary", "created",
            "platform");
    /** Capstan's base package, required by every compose. */
    static final String BOOTSTRAP = "osv.bootstrap";

    private static final Pattern JAVA = Pattern.compile("openjdk.*|osv\\.(java|openjdk|run-java).*");
    private static final Pattern NODE = Pattern.compile("node.*|app\\.node.*|osv\\.node.*");
    private static final Pattern PYTHON = Pattern.compile("python.*|osv\\.python.*");

    PackageManifest {
        require = List.copyOf(require);
    }

    /** The descriptor Capstan assumes for a package without {@code meta/package.yaml}: named after its folder. */
    static PackageManifest unnamed(String folderName) {
        return new PackageManifest(folderName, List.of());
    }

    /** Reads the checked YAML of {@code meta/package.yaml}; what is wrong goes to {@code checks}. */
    static PackageManifest read(ManifestChecks checks, String folderName) {
        YamlPath top = YamlPath.ROOT;
        Optional<JsonNode> map = checks.map(top, checks.yaml().root(), "a map of package keys (name: com.example.app)");
        if (map.isEmpty()) {
            return unnamed(folderName);
        }
        JsonNode root = map.get();
        checks.knownKeys(top, root, KEYS);
        String name = checks.required(top, root, "name", "a package name (com.example.app)",
                "the package's name, e.g. name: com.example.app").orElse(folderName);
        for (String key : List.of("title", "author", "version", "created", "platform")) {
            checks.text(top.key(key), root.path(key), "text");
        }
        JsonNode binary = root.path("binary");
        if (!binary.isMissingNode() && !binary.isNull()) {
            checks.map(top.key("binary"), binary, "a map of command name to path (hello: /hello)");
        }
        return new PackageManifest(name, require(checks, root.path("require")));
    }

    private static List<String> require(ManifestChecks checks, JsonNode list) {
        YamlPath at = YamlPath.ROOT.key("require");
        List<String> require = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return require;
        }
        if (!list.isArray()) {
            checks.atValue(at, SchemaMessages.describe(list) + " is not a list of package names (- osv.bootstrap)");
            return require;
        }
        for (int i = 0; i < list.size(); i++) {
            YamlPath item = at.index(i);
            Optional<String> name = checks.text(item, list.get(i), "a package name (osv.bootstrap)");
            if (name.isEmpty()) {
                continue;
            }
            Optional<String> problem = unsupported(name.get());
            if (problem.isPresent()) {
                checks.atValue(item, problem.get());
            } else {
                require.add(name.get());
            }
        }
        return require;
    }

    /** Why jcap cannot satisfy a required package, or empty for {@code osv.bootstrap}. */
    static Optional<String> unsupported(String name) {
        if (name.equals(BOOTSTRAP)) {
            return Optional.empty();
        }
        String what = JAVA.matcher(name).matches() ? "a Java runtime packaged for OSv"
                : NODE.matcher(name).matches() ? "a Node.js runtime packaged for OSv"
                : PYTHON.matcher(name).matches() ? "a Python runtime packaged for OSv"
                : name.startsWith("osv.") ? "one of OSv's own modules packaged by Capstan"
                : "a Capstan package";
        return Optional.of(SchemaMessages.quote(name) + " is " + what + ", which jcap cannot add (it has no package"
                + " repository): copy that package's files into this folder, where they go to the image root as"
                + " Capstan would put them, and remove it from require");
    }
}
