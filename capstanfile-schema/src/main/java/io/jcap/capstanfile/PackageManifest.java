package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.Position;
import io.jcap.capstanfile.yaml.YamlPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Capstan's package descriptor, {@code meta/package.yaml}: what jcap takes from it (the name and
 * the required packages) once its keys are checked. Capstan's other keys ({@code title},
 * {@code author}, {@code version}, {@code created}, {@code platform}, {@code binary}) are
 * accepted and not used. The same keys make a package's descriptor in Capstan's repository
 * ({@code packages/NAME.yaml}).
 *
 * <p>The build takes the required packages from the local Capstan repository, except
 * {@code osv.bootstrap} (Capstan's base package, OSv's own files), which the OSv loader image provides.
 *
 * @param name the package's name
 * @param require the required packages, in file order
 */
record PackageManifest(String name, List<CapstanPackage.Requirement> require) {
    static final List<String> KEYS = List.of("name", "title", "author", "version", "require", "binary", "created",
            "platform");
    /** Capstan's base package, required by every compose. */
    static final String BOOTSTRAP = "osv.bootstrap";
    /** A package's name is a file name in Capstan's repository ({@code packages/NAME.mpm}). */
    static final Pattern PACKAGE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    PackageManifest {
        require = List.copyOf(require);
    }

    /** The descriptor Capstan assumes for a package without {@code meta/package.yaml}: named after its folder. */
    static PackageManifest unnamed(String folderName) {
        return new PackageManifest(folderName, List.of());
    }

    /**
     * Reads the checked YAML of a package descriptor; what is wrong goes to {@code checks}.
     *
     * @param shown the file as messages name it
     */
    static PackageManifest read(ManifestChecks checks, String folderName, Path shown) {
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
        return new PackageManifest(name, require(checks, root.path("require"), shown));
    }

    private static List<CapstanPackage.Requirement> require(ManifestChecks checks, JsonNode list, Path shown) {
        YamlPath at = YamlPath.ROOT.key("require");
        List<CapstanPackage.Requirement> require = new ArrayList<>();
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
            if (!PACKAGE_NAME.matcher(name.get()).matches()) {
                checks.atValue(item, SchemaMessages.quote(name.get()) + " is not a package name: letters, digits, '.',"
                        + " '_' and '-' (osv.bootstrap)");
                continue;
            }
            Position position = checks.yaml().valuePosition(item);
            require.add(new CapstanPackage.Requirement(name.get(), shown, position.line(), position.column(),
                    item.toString()));
        }
        return require;
    }
}
