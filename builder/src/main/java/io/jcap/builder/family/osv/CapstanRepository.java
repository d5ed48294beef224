package io.jcap.builder.family.osv;

import io.jcap.capstanfile.CapstanPackage;
import io.jcap.capstanfile.CapstanRepositoryFiles;
import io.jcap.capstanfile.CapstanfileException;
import io.jcap.capstanfile.Problem;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Capstan's local package repository, where {@code capstan package pull} and {@code capstan
 * package import} put packages: {@code $CAPSTAN_ROOT}, else {@code ~/.capstan}, with
 * {@code packages/NAME.mpm} (the archive) and {@code packages/NAME.yaml} (its descriptor) per
 * package. jcap reads it and never writes it; it fetches nothing from a remote repository.
 *
 * <p>A package's required packages resolve as Capstan's compose resolves them: each one's own
 * requirements first, then itself, depth first in file order. A package that comes twice is taken
 * at its last place, which is where Capstan's extraction, writing it again, leaves its files.
 * {@code osv.bootstrap}, Capstan's base package of OSv's own files, comes from the OSv loader the
 * image starts from, never from the repository.
 *
 * <pre>{@code
 * List<CapstanRepository.Package> required = CapstanRepository.fromEnvironment(home.cache().resolve("capstan-packages"))
 *         .resolve(pkg, dir, events);
 * }</pre>
 */
final class CapstanRepository {
    /** Capstan's variable naming its folder. */
    static final String ROOT_ENV = "CAPSTAN_ROOT";
    static final String BOOTSTRAP = "osv.bootstrap";

    private final Path root;
    private final MpmCache cache;

    /**
     * @param root the repository's folder (the one holding {@code packages/})
     * @param cache where the packages' files are kept once read ({@link MpmCache})
     */
    CapstanRepository(Path root, Path cache) {
        this.root = root;
        this.cache = new MpmCache(cache);
    }

    /** The repository Capstan itself uses here, its packages read into {@code cache}. */
    static CapstanRepository fromEnvironment(Path cache) {
        return new CapstanRepository(rootFromEnvironment(), cache);
    }

    /** {@code $CAPSTAN_ROOT}, else {@code ~/.capstan}, as Capstan finds its folder. */
    static Path rootFromEnvironment() {
        String env = System.getenv(ROOT_ENV);
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".capstan");
    }

    Path packages() {
        return packages(root);
    }

    /** The folder of a repository's packages, {@code ROOT/packages}. */
    private static Path packages(Path root) {
        return root.resolve("packages");
    }

    /**
     * A package of the repository, read.
     *
     * @param name its name
     * @param archive its {@code .mpm}
     * @param contents what it puts in the image
     * @param configSets its {@code meta/run.yaml} configurations, by name (none without one)
     */
    record Package(String name, Path archive, MpmArchive contents, SortedMap<String, CapstanPackage.ConfigSet> configSets) {
    }

    /**
     * The packages {@code p} requires, in the order their files go into the image.
     *
     * @param packageDir the package's folder, where its {@code meta/} is
     * @throws CapstanfileException naming the line that asks for a package the repository lacks
     */
    List<Package> resolve(CapstanPackage p, Path packageDir, EventSink events) throws JcapException {
        checkPresent(root, p, packageDir);
        Map<String, Package> read = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (CapstanPackage.Requirement r : p.require()) {
            if (!r.name().equals(BOOTSTRAP)) {
                visit(r.name(), new ArrayList<>(List.of(p.name())), read, order, events);
            }
        }
        // The last place of each: a package extracted again overwrites what came between.
        List<Package> result = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            if (order.subList(i + 1, order.size()).contains(order.get(i))) {
                continue;
            }
            result.add(read.get(order.get(i)));
        }
        return result;
    }

    /**
     * Checks that the repository in {@code root} holds every package {@code p} asks for itself
     * (not what those require in turn): {@code jcap validate} says so before a build.
     *
     * @throws CapstanfileException naming the line that asks for each package the repository lacks
     */
    static void checkPresent(Path root, CapstanPackage p, Path packageDir) throws CapstanfileException {
        List<Problem> missing = new ArrayList<>();
        for (CapstanPackage.Requirement r : p.require()) {
            if (!r.name().equals(BOOTSTRAP) && !Files.isRegularFile(archive(root, r.name()))) {
                missing.add(r.problem(notInRepository(r, packages(root))));
            }
        }
        if (!missing.isEmpty()) {
            throw new CapstanfileException(packageDir.resolve("meta"), missing);
        }
    }

    private void visit(String name, List<String> path, Map<String, Package> read, List<String> order,
                       EventSink events) throws JcapException {
        if (path.contains(name)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            throw new JcapException("Capstan packages require each other in a circle: " + String.join(" requires ", cycle)
                    + " (in " + packages() + ")");
        }
        Package pkg = read.get(name);
        if (pkg == null) {
            pkg = read(name, events);
            read.put(name, pkg);
        }
        path.add(name);
        for (String required : requires(name)) {
            if (required.equals(BOOTSTRAP)) {
                continue;
            }
            if (!Files.isRegularFile(archive(required))) {
                throw new JcapException("Capstan package " + name + " requires " + required + ", which is not in the"
                        + " Capstan repository " + packages() + " (no " + required + ".mpm): pull it there with 'capstan"
                        + " package pull " + required + "'");
            }
            visit(required, path, read, order, events);
        }
        path.remove(path.size() - 1);
        order.add(name);
    }

    /** What a repository package requires: its descriptor's {@code require} ({@code NAME.yaml}, else the archive's). */
    private List<String> requires(String name) throws JcapException {
        Path descriptor = packages().resolve(name + ".yaml");
        if (!Files.isRegularFile(descriptor)) {
            return List.of();
        }
        CapstanRepositoryFiles.Descriptor d = CapstanRepositoryFiles.descriptor(descriptor, descriptor, name);
        return d.require().stream().map(CapstanPackage.Requirement::name).toList();
    }

    private Package read(String name, EventSink events) throws JcapException {
        Path mpm = archive(name);
        events.info("Reading Capstan package " + name + " from " + mpm);
        MpmArchive contents = cache.read(name, mpm);
        SortedMap<String, CapstanPackage.ConfigSet> sets = new TreeMap<>();
        Optional<Path> run = contents.runManifest();
        if (run.isPresent()) {
            CapstanRepositoryFiles.Configurations read = CapstanRepositoryFiles.run(run.get(),
                    Path.of(mpm + ":meta/run.yaml"));
            sets.putAll(read.configSets());
            read.ignored().forEach(p -> events.warn(p.toString()));
        }
        return new Package(name, mpm, contents, sets);
    }

    private Path archive(String name) {
        return archive(root, name);
    }

    /** Package {@code name}'s archive in the repository in {@code root}. */
    private static Path archive(Path root, String name) {
        return packages(root).resolve(name + ".mpm");
    }

    private static String notInRepository(CapstanPackage.Requirement r, Path packages) {
        boolean runtime = r.key().equals("runtime");
        return (runtime ? "the runtime's package " : "package ") + r.name() + " is not in the Capstan repository "
                + packages + " (no " + r.name() + ".mpm): pull it there with 'capstan package pull " + r.name()
                + "' (jcap reads Capstan's repository, it does not download), set " + ROOT_ENV + " to the repository"
                + " that has it, or copy " + (runtime ? "a runtime built for OSv into this folder and use runtime:"
                + " native with a bootcmd that starts it" : "its files into this folder and remove it from require");
    }
}
