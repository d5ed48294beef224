package io.jcap.capstanfile;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Capstan package (a folder with {@code meta/package.yaml} and {@code meta/run.yaml}) read as a
 * {@link Capstanfile}: its {@link Capstanfile#capstanPackage()}. The Capstanfile's {@code cmdline}
 * and {@code env} are those of the default configuration; this record keeps every named
 * configuration, so that a run can pick another.
 *
 * <pre>{@code
 * Capstanfile c = new CapstanfileParser().parse(Path.of("my-package"));   // no Capstanfile, a meta/ folder
 * CapstanPackage p = c.capstanPackage().orElseThrow();
 * p.configSets().get("worker").bootcmd();   // "/worker.so --threads 4"
 * }</pre>
 *
 * @param name the package's name ({@code meta/package.yaml})
 * @param require the packages it requires: those its runtime needs ({@code runtime: java} needs
 *     Capstan's JVM package), then those of {@code meta/package.yaml}, in file order; the build
 *     takes them from the local Capstan repository, {@code osv.bootstrap} from the OSv loader
 * @param configSets every configuration of {@code meta/run.yaml}, by name; a file without
 *     {@code config_set} has one, called {@value #UNNAMED}
 * @param defaultConfigSet the configuration the image boots unless a run picks another; several,
 *     separated by {@code ,}, run one after the other
 * @param named whether {@code meta/run.yaml} names its configurations under {@code config_set}
 *     (false: its top-level keys are the one configuration)
 * @param ignore what of the package folder stays out of the image
 */
public record CapstanPackage(String name, List<Requirement> require, SortedMap<String, ConfigSet> configSets,
                             String defaultConfigSet, boolean named, PackageIgnore ignore) {
    /** The name of the one configuration of a {@code meta/run.yaml} without {@code config_set}, as in Capstan. */
    public static final String UNNAMED = "default";

    public CapstanPackage {
        Objects.requireNonNull(name, "name");
        require = List.copyOf(require);
        configSets = Collections.unmodifiableSortedMap(new TreeMap<>(configSets));
        Objects.requireNonNull(ignore, "ignore");
        for (String set : RunManifest.sequence(defaultConfigSet)) {
            if (!configSets.containsKey(set)) {
                throw new IllegalArgumentException("the default configuration '" + set + "' is not one of "
                        + configSets.keySet());
            }
        }
    }

    /** The configurations the image boots by default, in the order they run (Capstan's {@code a,b}). */
    public List<String> defaultSequence() {
        return RunManifest.sequence(defaultConfigSet);
    }

    /** The default configuration, the first of several. */
    public ConfigSet defaultSet() {
        return configSets.get(defaultSequence().get(0));
    }

    /**
     * Where configuration {@code name} sits in {@code meta/run.yaml}, for messages:
     * {@code config_set.worker}, or the empty string for the top-level form.
     */
    public String keyOf(String name) {
        return named ? "config_set." + name : "";
    }

    /** The names of the required packages, in order. */
    public List<String> requiredNames() {
        return require.stream().map(Requirement::name).toList();
    }

    /**
     * One configuration of {@code meta/run.yaml}. A runtime other than native reads as Capstan
     * composes it: the configuration of the runtime's package it runs ({@code base}) and the
     * variables that configuration's command reads ({@code MAIN}, {@code ARGS}...) in {@code env}.
     *
     * @param bootcmd the command OSv runs, as Capstan's {@code bootcmd}; empty when {@code base} is set
     * @param env environment variables (kept sorted by name); values as written in the file
     * @param base the configuration whose command this one runs, {@code PACKAGE:CONFIGURATION}
     */
    public record ConfigSet(String bootcmd, Map<String, String> env, Optional<String> base) {
        public ConfigSet {
            Objects.requireNonNull(bootcmd, "bootcmd");
            env = Collections.unmodifiableSortedMap(new TreeMap<>(env));
            Objects.requireNonNull(base, "base");
        }

        public ConfigSet(String bootcmd, Map<String, String> env) {
            this(bootcmd, env, Optional.empty());
        }
    }

    /**
     * A required package and where it is asked for, for messages.
     *
     * @param name the package's name
     * @param file the file that asks for it, relative to the package folder ({@code meta/package.yaml})
     * @param key the key there ({@code require[1]}, or {@code runtime} for a runtime's package)
     */
    public record Requirement(String name, Path file, int line, int column, String key) {
        public Requirement {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(key, "key");
        }

        /** A problem about this requirement, at its line. */
        public Problem problem(String message) {
            return new Problem(file, line, column, key, message);
        }
    }
}
