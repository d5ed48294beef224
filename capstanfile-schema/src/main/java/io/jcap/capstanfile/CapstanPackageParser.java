package io.jcap.capstanfile;

import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Reads a Capstan package folder as a {@link Capstanfile}: {@code meta/package.yaml} (optional,
 * as in Capstan; without it the package is named after its folder), {@code meta/run.yaml}
 * (required: it holds the command) and {@code .capstanignore}. Every problem
 * of the three files is reported in one {@link CapstanfileException}, each at its file, line and key.
 *
 * <p>The result is an OSv image ({@code kernel: osv}: Capstan packages are OSv packages) whose
 * {@code rootfs} is the package folder less what {@link PackageIgnore} leaves out, running the
 * default configuration; the package itself is in {@link Capstanfile#capstanPackage()}.
 */
final class CapstanPackageParser {
    static final String META = "meta";
    static final String PACKAGE_FILE = "meta/package.yaml";
    static final String RUN_FILE = "meta/run.yaml";
    static final String IGNORE_FILE = ".capstanignore";
    /** The kernel store's name of OSv's loader, which Capstan's compose starts from ({@code osv-loader}). */
    static final String OSV_LOADER = "osv";

    private CapstanPackageParser() {
    }

    static boolean isPackage(Path dir) {
        return Files.exists(dir.resolve(PACKAGE_FILE)) || Files.exists(dir.resolve(RUN_FILE));
    }

    /**
     * @param dir the package folder, absolute and normalized
     * @param configSet the configuration the image boots by default instead of the file's choice
     */
    static Capstanfile parse(Path dir, Optional<String> configSet) throws CapstanfileException {
        List<Problem> problems = new ArrayList<>();
        String folder = dir.getFileName() == null ? "package" : dir.getFileName().toString();
        PackageManifest manifest = PackageManifest.unnamed(folder);
        if (Files.exists(dir.resolve(PACKAGE_FILE))) {
            Optional<ManifestChecks> checks = read(dir, PACKAGE_FILE, problems);
            if (checks.isPresent()) {
                manifest = PackageManifest.read(checks.get(), folder, Path.of(PACKAGE_FILE));
                problems.addAll(CapstanfileParser.problems(Path.of(PACKAGE_FILE), List.of(), checks.get().findings()));
            }
        }
        Optional<RunManifest> run = Optional.empty();
        if (Files.exists(dir.resolve(RUN_FILE))) {
            Optional<ManifestChecks> checks = read(dir, RUN_FILE, problems);
            if (checks.isPresent()) {
                run = RunManifest.read(checks.get(), configSet, Path.of(RUN_FILE), true);
                problems.addAll(CapstanfileParser.problems(Path.of(RUN_FILE), List.of(), checks.get().findings()));
            }
        } else {
            problems.add(new Problem(Path.of(RUN_FILE), 0, 0, "", "not found: it says what the package runs, and jcap"
                    + " needs that to build it: write one (runtime: native, then bootcmd: /hello, or named"
                    + " configurations in config_set; see docs/capstan-packages.md)"));
        }
        List<String> ignored = ignoreFile(dir, problems);
        if (!problems.isEmpty() || run.isEmpty()) {
            throw new CapstanfileException(dir.resolve(META), problems);
        }
        // Capstan puts the runtime's package in front of those the descriptor requires.
        List<CapstanPackage.Requirement> require = new ArrayList<>();
        run.get().runtimeRequires().ifPresent(require::add);
        require.addAll(manifest.require());
        CapstanPackage pkg = new CapstanPackage(manifest.name(), require, run.get().configSets(),
                run.get().defaultConfigSet().orElseThrow(), run.get().named(), PackageIgnore.of(manifest.name(), ignored));
        CapstanPackage.ConfigSet boot = pkg.defaultSet();
        return new Capstanfile(dir.resolve(RUN_FILE), dir, Optional.empty(), Optional.empty(), Optional.of(OSV_LOADER),
                Optional.of(boot.bootcmd()), List.of(), new TreeMap<>(), Optional.of(dir), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), List.of(), new TreeMap<>(boot.env()),
                Optional.of(new Runtime.Native()), Optional.of(pkg));
    }

    /** The YAML of one package file, or empty with its problem added (unreadable, not YAML). */
    private static Optional<ManifestChecks> read(Path dir, String relative, List<Problem> problems) {
        return read(dir.resolve(relative), Path.of(relative), problems);
    }

    /** The YAML of {@code file}, named {@code shown} in messages, or empty with its problem added. */
    static Optional<ManifestChecks> read(Path file, Path shown, List<Problem> problems) {
        try {
            String text = CapstanfileParser.read(file, shown, "not found");
            return Optional.of(new ManifestChecks(LocatedYaml.read(text, shown.toString())));
        } catch (CapstanfileException e) {
            problems.addAll(e.problems());
        } catch (YamlSyntaxException e) {
            problems.add(new Problem(shown, e.position().line(), e.position().column(), "", e.getMessage()));
        }
        return Optional.empty();
    }

    /** The patterns of {@code .capstanignore}, without comments and blank lines; bad ones become problems. */
    private static List<String> ignoreFile(Path dir, List<Problem> problems) {
        List<String> patterns = new ArrayList<>();
        if (!Files.exists(dir.resolve(IGNORE_FILE))) {
            return patterns;
        }
        List<String> lines;
        try {
            lines = CapstanfileParser.read(dir.resolve(IGNORE_FILE), Path.of(IGNORE_FILE), "not found").lines().toList();
        } catch (CapstanfileException e) {
            problems.addAll(e.problems());
            return patterns;
        }
        for (int i = 0; i < lines.size(); i++) {
            String pattern = lines.get(i).strip();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            try {
                PackageIgnore.check(pattern);
                patterns.add(pattern);
            } catch (IllegalArgumentException e) {
                int column = lines.get(i).indexOf(pattern.charAt(0)) + 1;
                problems.add(new Problem(Path.of(IGNORE_FILE), i + 1, column, "", e.getMessage()));
            }
        }
        return patterns;
    }
}
