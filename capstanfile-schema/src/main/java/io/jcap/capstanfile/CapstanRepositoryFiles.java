package io.jcap.capstanfile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The files of a package in Capstan's repository, checked as a package folder's are: its
 * descriptor ({@code packages/NAME.yaml}, the keys of {@code meta/package.yaml}) and the
 * {@code meta/run.yaml} its archive holds, whose configurations another package runs by name
 * ({@code base: NAME:CONFIGURATION}, or a runtime) and need no default. Keys jcap does not know
 * are passed over, as Capstan passes over them: the package's user cannot fix them.
 *
 * <pre>{@code
 * Descriptor d = CapstanRepositoryFiles.descriptor(repo.resolve("packages/osv.httpserver-api.yaml"), shown);
 * d.require();   // the packages it requires in turn
 * Configurations run = CapstanRepositoryFiles.run(extracted.resolve("meta/run.yaml"), shownRun);
 * run.configSets().get("httpserver").bootcmd();
 * }</pre>
 */
public final class CapstanRepositoryFiles {
    private CapstanRepositoryFiles() {
    }

    /**
     * A package descriptor of the repository.
     *
     * @param name the package's name
     * @param require the packages it requires, in file order
     */
    public record Descriptor(String name, List<CapstanPackage.Requirement> require) {
        public Descriptor {
            require = List.copyOf(require);
        }
    }

    /**
     * The configurations of a repository package's {@code meta/run.yaml}.
     *
     * @param configSets each configuration, by name
     * @param runtimeRequires the package the file's runtime runs on, for {@code java}, {@code node}, {@code python}
     * @param ignored the keys jcap does not know, which Capstan ignores too, each at its line
     */
    public record Configurations(SortedMap<String, CapstanPackage.ConfigSet> configSets,
                                 Optional<CapstanPackage.Requirement> runtimeRequires, List<Problem> ignored) {
        public Configurations {
            configSets = Collections.unmodifiableSortedMap(new TreeMap<>(configSets));
            ignored = List.copyOf(ignored);
        }
    }

    /**
     * @param file the descriptor
     * @param shown its name in messages
     * @param name the package's name as its file names it, used when the descriptor has none
     */
    public static Descriptor descriptor(Path file, Path shown, String name) throws CapstanfileException {
        List<Problem> problems = new ArrayList<>();
        Optional<ManifestChecks> checks = CapstanPackageParser.read(file, shown, problems).map(ManifestChecks::lenient);
        PackageManifest manifest = PackageManifest.unnamed(name);
        if (checks.isPresent()) {
            manifest = PackageManifest.read(checks.get(), name, shown);
            problems.addAll(CapstanfileParser.problems(shown, List.of(), checks.get().findings()));
        }
        if (!problems.isEmpty()) {
            throw new CapstanfileException(file, problems);
        }
        return new Descriptor(manifest.name(), manifest.require());
    }

    /**
     * @param file a {@code meta/run.yaml} taken out of a package's archive
     * @param shown its name in messages
     */
    public static Configurations run(Path file, Path shown) throws CapstanfileException {
        List<Problem> problems = new ArrayList<>();
        Optional<ManifestChecks> checks = CapstanPackageParser.read(file, shown, problems).map(ManifestChecks::lenient);
        Optional<RunManifest> run = Optional.empty();
        if (checks.isPresent()) {
            run = RunManifest.read(checks.get(), Optional.empty(), shown, false);
            problems.addAll(CapstanfileParser.problems(shown, List.of(), checks.get().findings()));
        }
        if (!problems.isEmpty() || run.isEmpty()) {
            throw new CapstanfileException(file, problems);
        }
        return new Configurations(run.get().configSets(), run.get().runtimeRequires(),
                CapstanfileParser.problems(shown, List.of(), checks.get().ignored()));
    }
}
