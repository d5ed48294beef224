package io.jcap.builder.family.osv;

import io.jcap.capstanfile.CapstanPackage;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.EventSink;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The named configurations of an OSv image built from a Capstan package: the command line of
 * each as OSv reads it ({@code --env=} options for its {@code env}, then its {@code bootcmd}),
 * stored with the image so that a run can boot another than the default one. Capstan writes a
 * {@code /run/NAME} script per configuration and boots {@code runscript /run/NAME}; jcap writes
 * the chosen configuration's command line at byte 512 directly, for the build and for each run.
 *
 * <pre>{@code
 * OsvConfigSets sets = OsvConfigSets.of(capstanfile.capstanPackage().get(), capstanfile, "osv", tree, events);
 * sets.cmdlines().get("shout");   // "--env=GREETING=HELLO /hello --shout"
 * }</pre>
 *
 * @param cmdlines the application's command line of each configuration, by name, without the
 *     file system's options ({@code --rootfs=rofs})
 * @param defaultName the configuration the image boots unless a run picks another
 */
record OsvConfigSets(SortedMap<String, String> cmdlines, String defaultName) {
    OsvConfigSets {
        cmdlines = Collections.unmodifiableSortedMap(new TreeMap<>(cmdlines));
    }

    /**
     * The configurations of the Capstan package {@code c} was read from. Says where the packages
     * it requires come from: {@code osv.bootstrap}, Capstan's base package of OSv's own files,
     * is what the loader image provides (the parser has refused every other package).
     *
     * @param loader the store name of the OSv loader the image starts from
     * @param tree the image's files, to warn about a configuration whose program is not among them
     */
    static OsvConfigSets of(CapstanPackage p, Capstanfile c, String loader, ImageTree tree, EventSink events)
            throws JcapException {
        if (p.require().contains("osv.bootstrap")) {
            events.info("Package " + p.name() + " requires osv.bootstrap, Capstan's base package of OSv's own files:"
                    + " the OSv loader '" + loader + "' the image starts from provides them; add to the package folder"
                    + " any other file of OSv's base image the application needs");
        }
        SortedMap<String, String> cmdlines = new TreeMap<>();
        for (Map.Entry<String, CapstanPackage.ConfigSet> set : p.configSets().entrySet()) {
            String key = p.keyOf(set.getKey());
            StringBuilder line = new StringBuilder();
            for (Map.Entry<String, String> e : set.getValue().env().entrySet()) {
                String where = c.file() + ": " + (key.isEmpty() ? "" : key + ".") + "env." + e.getKey();
                line.append(OsvCommandLine.envOption(e.getKey(), e.getValue(), where)).append(' ');
            }
            cmdlines.put(set.getKey(), line + set.getValue().bootcmd());
            if (!set.getKey().equals(p.defaultConfigSet())) {
                OsvInputs.warnIfCommandMissing(set.getValue().bootcmd(), tree, events);
            }
        }
        return new OsvConfigSets(cmdlines, p.defaultConfigSet());
    }

    /**
     * The command lines as the image stores them: {@code withFsOptions} adds the file system's
     * options; each must fit OSv's command-line area.
     */
    SortedMap<String, String> stored(UnaryOperator<String> withFsOptions) throws JcapException {
        SortedMap<String, String> stored = new TreeMap<>();
        for (Map.Entry<String, String> e : cmdlines.entrySet()) {
            String line = withFsOptions.apply(e.getValue());
            try {
                OsvDisk.cmdlineArea(line);
            } catch (JcapException ex) {
                throw new JcapException("configuration " + e.getKey() + ": " + ex.getMessage(), ex);
            }
            stored.put(e.getKey(), line);
        }
        return stored;
    }
}
