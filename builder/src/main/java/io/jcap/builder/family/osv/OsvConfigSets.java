package io.jcap.builder.family.osv;

import io.jcap.capstanfile.CapstanPackage;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.kernels.osv.OsvCommandSequence;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.EventSink;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The named configurations of an OSv image built from a Capstan package: the command line of
 * each as OSv reads it ({@code --env=} options for its {@code env}, then its {@code bootcmd}),
 * stored with the image so that a run can boot another than the default one. Capstan writes a
 * {@code /run/NAME} script per configuration and boots {@code runscript /run/NAME}; jcap writes
 * the chosen configuration's command line at byte 512 directly, for the build and for each run.
 *
 * <pre>{@code
 * OsvConfigSets sets = OsvConfigSets.of(capstanfile.capstanPackage().get(), capstanfile, "osv", required, tree, events);
 * sets.cmdlines().get("shout");   // "--env=GREETING=HELLO /hello --shout"
 * }</pre>
 *
 * @param cmdlines the application's command line of each configuration, by name, without the
 *     file system's options ({@code --rootfs=rofs})
 * @param defaultName the configuration the image boots unless a run picks another; several,
 *     separated by {@code ,}, run one after the other
 * @param optional the configurations of required packages, which the image keeps where it can:
 *     one OSv's command line cannot hold is left out with a warning rather than failing the build
 */
record OsvConfigSets(SortedMap<String, String> cmdlines, String defaultName, Set<String> optional) {
    OsvConfigSets {
        cmdlines = Collections.unmodifiableSortedMap(new TreeMap<>(cmdlines));
        optional = Set.copyOf(optional);
    }

    /**
     * The configurations of the Capstan package {@code c} was read from, and those of the packages
     * it requires (Capstan writes every package's configurations into the image: a run can boot
     * {@code httpserver} of {@code osv.httpserver-api}); the package's own win a name they share.
     * A configuration with {@code base} runs that configuration's command with both's variables,
     * its own first. Says where {@code osv.bootstrap} comes from: the loader image.
     *
     * @param loader the store name of the OSv loader the image starts from
     * @param required the packages of Capstan's repository it requires, in order
     * @param tree the image's files, to warn about a configuration whose program is not among them
     */
    static OsvConfigSets of(CapstanPackage p, Capstanfile c, String loader, List<CapstanRepository.Package> required,
                            ImageTree tree, EventSink events) throws JcapException {
        if (p.requiredNames().contains(CapstanRepository.BOOTSTRAP)) {
            events.info("Package " + p.name() + " requires osv.bootstrap, Capstan's base package of OSv's own files:"
                    + " the OSv loader '" + loader + "' the image starts from provides them; add to the package folder"
                    + " any other file of OSv's base image the application needs");
        }
        Map<String, Source> packages = new LinkedHashMap<>();
        for (CapstanRepository.Package r : required) {
            packages.put(r.name(), new Source(r.name(), r.configSets(), r.archive() + ":meta/run.yaml: ", true));
        }
        packages.put(p.name(), new Source(p.name(), p.configSets(), c.file() + ": ", p.named()));
        Map<String, Source> byConfiguration = new TreeMap<>();
        for (Source source : packages.values()) {
            source.sets().keySet().forEach(name -> byConfiguration.put(name, source));
        }
        SortedMap<String, String> cmdlines = new TreeMap<>();
        Set<String> optional = new TreeSet<>();
        // Each program once, however many configurations run it.
        Set<String> programs = new LinkedHashSet<>();
        for (Map.Entry<String, Source> e : byConfiguration.entrySet()) {
            Source source = e.getValue();
            boolean own = source.name().equals(p.name());
            try {
                String line = cmdline(source, e.getKey(), packages);
                cmdlines.put(e.getKey(), line);
                OsvInputs.program(line).ifPresent(programs::add);
                if (!own) {
                    optional.add(e.getKey());
                }
            } catch (JcapException unusable) {
                if (own) {
                    throw unusable;
                }
                // Capstan would refuse the whole build over another package's configuration the
                // application may not use; it stays out of the image, and a base naming it says why.
                events.warn("configuration " + e.getKey() + " of Capstan package " + source.name() + " is left out of"
                        + " the image's configurations: " + unusable.getMessage());
            }
        }
        programs.forEach(program -> OsvInputs.warnIfMissing(program, tree, events));
        return new OsvConfigSets(cmdlines, p.defaultConfigSet(), optional);
    }

    /**
     * The command line of configuration {@code name} of {@code source}: the variables of it and
     * of the configurations its {@code base} leads to as {@code --env=} options, then the command.
     */
    private static String cmdline(Source source, String name, Map<String, Source> packages) throws JcapException {
        SortedMap<String, String> env = new TreeMap<>();
        Map<String, String> origins = new HashMap<>();
        String bootcmd = resolve(source, name, packages, env, origins, new ArrayList<>(), source.where(name));
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, String> v : env.entrySet()) {
            line.append(OsvCommandLine.envOption(v.getKey(), v.getValue(), origins.get(v.getKey()))).append(' ');
        }
        return line + bootcmd;

    }

    /**
     * A package's configurations and how messages name their place.
     *
     * @param prefix the file, as messages start ({@code meta/run.yaml: })
     * @param named whether the file names its configurations under {@code config_set}
     */
    private record Source(String name, Map<String, CapstanPackage.ConfigSet> sets, String prefix, boolean named) {
        /** Where configuration {@code set} is, for messages: {@code meta/run.yaml: config_set.app}. */
        String where(String set) {
            return named ? prefix + "config_set." + set : prefix.substring(0, prefix.length() - 2);
        }

        /** Where variable {@code variable} of configuration {@code set} is set. */
        String whereVariable(String set, String variable) {
            return prefix + (named ? "config_set." + set + "." : "") + "env." + variable;
        }
    }

    /**
     * The command configuration {@code name} of {@code source} runs, following {@code base}; the
     * variables of each configuration on the way go into {@code env} unless set already.
     */
    private static String resolve(Source source, String name, Map<String, Source> packages, Map<String, String> env,
                                  Map<String, String> origins, List<String> seen, String where) throws JcapException {
        CapstanPackage.ConfigSet set = source.sets().get(name);
        String here = source.name() + ":" + name;
        if (seen.contains(here)) {
            seen.add(here);
            throw new JcapException(where + ": its base leads back to itself: " + String.join(" runs ", seen));
        }
        seen.add(here);
        for (Map.Entry<String, String> v : set.env().entrySet()) {
            if (env.putIfAbsent(v.getKey(), v.getValue()) == null) {
                origins.put(v.getKey(), source.whereVariable(name, v.getKey()));
            }
        }
        if (set.base().isEmpty()) {
            return set.bootcmd();
        }
        String base = set.base().get();
        String packageName = base.substring(0, base.indexOf(':'));
        String configuration = base.substring(base.indexOf(':') + 1);
        Source from = packages.get(packageName);
        if (from == null && packageName.equals(CapstanRepository.BOOTSTRAP)) {
            throw new JcapException(where + ": base " + base + " names a configuration of osv.bootstrap, which jcap"
                    + " does not read from Capstan's repository (OSv's own files come from the loader the image starts"
                    + " from): write its command in bootcmd");
        }
        if (from == null) {
            throw new JcapException(where + ": base " + base + " names package " + packageName + ", which is not among"
                    + " the packages this image holds (" + String.join(", ", packages.keySet()) + "): add it to require"
                    + " in meta/package.yaml");
        }
        if (!from.sets().containsKey(configuration)) {
            throw new JcapException(where + ": base " + base + ": package " + packageName + " has no configuration '"
                    + configuration + "'" + (from.sets().isEmpty() ? " (it has no meta/run.yaml)"
                    : ": use " + String.join(", ", from.sets().keySet())));
        }
        return resolve(from, configuration, packages, env, origins, seen, where);
    }

    /** The command line the image boots by default: the default configuration's, or several's in turn. */
    String defaultCmdline() {
        return OsvCommandSequence.join(Arrays.stream(defaultName.split(",")).map(cmdlines::get).toList());
    }

    /**
     * The command lines as the image stores them: {@code withFsOptions} adds the file system's
     * options; each must fit OSv's command-line area.
     */
    SortedMap<String, String> stored(UnaryOperator<String> withFsOptions, EventSink events) throws JcapException {
        SortedMap<String, String> stored = new TreeMap<>();
        for (Map.Entry<String, String> e : cmdlines.entrySet()) {
            String line = withFsOptions.apply(e.getValue());
            try {
                OsvDisk.cmdlineArea(line);
            } catch (JcapException ex) {
                if (optional.contains(e.getKey())) {
                    events.warn("configuration " + e.getKey() + " of a required Capstan package is left out of the"
                            + " image's configurations: " + ex.getMessage());
                    continue;
                }
                throw new JcapException("configuration " + e.getKey() + ": " + ex.getMessage(), ex);
            }
            stored.put(e.getKey(), line);
        }
        return stored;
    }
}
