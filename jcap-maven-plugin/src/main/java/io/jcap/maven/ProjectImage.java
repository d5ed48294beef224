package io.jcap.maven;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.Runtime;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Composes the Capstanfile a Maven project's image is built from: the project's own Capstanfile
 * when it has one (else an empty one), the application's two layers, and the pom's settings on
 * top. The result is what {@code ImageBuilder.build(request, capstanfile)} takes.
 *
 * <pre>{@code
 * Capstanfile c = ProjectImage.compose(basedir, Optional.empty(), settings, layers, Optional.of("com.example.Main"));
 * }</pre>
 */
final class ProjectImage {
    private ProjectImage() {
    }

    /**
     * @param basedir the project folder
     * @param capstanfile the project's own Capstanfile, parsed; empty when it has none
     * @param settings the pom's settings
     * @param layers the project's classes and its dependencies
     * @param foundMainClass the main class from the jar plugin's configuration or the jar's manifest
     * @throws SettingException naming the setting at fault and how to fix it
     */
    static Capstanfile compose(Path basedir, Optional<Capstanfile> capstanfile, PomSettings settings,
                               ApplicationLayers layers, Optional<String> foundMainClass) throws SettingException {
        Optional<Runtime.Java> java = javaRuntime(capstanfile);
        // A main class found anywhere runs the layers' class path; only a Capstanfile jar with no main
        // class known at all runs as java -jar.
        Optional<String> main = settings.mainClass().or(() -> java.flatMap(Runtime.Java::main)).or(() -> foundMainClass);
        boolean hasJar = java.flatMap(Runtime.Java::jar).isPresent();
        if (main.isEmpty() && !hasJar && capstanfile.flatMap(Capstanfile::cmdline).isEmpty()) {
            throw new SettingException("no main class for the image: set " + PomSettings.name("mainClass")
                    + " in the jcap-maven-plugin's <configuration>, or <archive><manifest><mainClass> in the"
                    + " maven-jar-plugin's");
        }

        SortedMap<GuestPath, Path> files = new TreeMap<>(layers.files());
        Map<GuestPath, Path> others = new LinkedHashMap<>();
        capstanfile.ifPresent(c -> others.putAll(c.files()));
        others.putAll(settings.extraFiles());
        for (Map.Entry<GuestPath, Path> e : others.entrySet()) {
            if (ApplicationLayers.reserved(e.getKey())) {
                String where = settings.extraFiles().containsKey(e.getKey()) ? PomSettings.name("extraFiles")
                        : "the Capstanfile's files";
                throw new SettingException(where + ": " + e.getKey() + " lies in " + ApplicationLayers.CLASSES
                        + " or " + ApplicationLayers.LIB + ", where the plugin puts the project's classes and"
                        + " dependencies: choose another guest path");
            }
            files.put(e.getKey(), e.getValue());
        }

        List<GuestPath> classpath = new ArrayList<>(layers.classpath());
        java.ifPresent(j -> j.classpath().stream().filter(p -> !classpath.contains(p)).forEach(classpath::add));
        List<String> jvmArgs = new ArrayList<>(java.map(Runtime.Java::jvmArgs).orElse(List.of()));
        jvmArgs.addAll(settings.jvmFlags());
        if (!settings.jlinkModules().isEmpty()) {
            // The runtime jcap links holds what jdeps finds plus every --add-modules module.
            jvmArgs.add("--add-modules=" + String.join(",", settings.jlinkModules()));
        }
        Runtime.Java runtime = new Runtime.Java(main,
                java.flatMap(Runtime.Java::jar), classpath, jvmArgs, java.flatMap(Runtime.Java::xms),
                java.flatMap(Runtime.Java::xmx), java.map(Runtime.Java::args).orElse(List.of()));

        SortedMap<String, String> env = new TreeMap<>(capstanfile.map(Capstanfile::env).orElse(new TreeMap<>()));
        env.putAll(settings.env());
        OptionalInt cpus = settings.cpus().isPresent() ? settings.cpus()
                : capstanfile.map(Capstanfile::cpus).orElse(OptionalInt.empty());
        return new Capstanfile(
                capstanfile.map(Capstanfile::file).orElse(basedir.resolve("pom.xml")),
                basedir,
                capstanfile.flatMap(Capstanfile::base),
                capstanfile.flatMap(Capstanfile::from),
                settings.kernel().or(() -> capstanfile.flatMap(Capstanfile::kernel)),
                capstanfile.flatMap(Capstanfile::cmdline),
                List.of(),
                files,
                capstanfile.flatMap(Capstanfile::rootfs),
                capstanfile.flatMap(Capstanfile::rpmBase),
                capstanfile.flatMap(Capstanfile::fs),
                capstanfile.flatMap(Capstanfile::size),
                settings.memory().or(() -> capstanfile.flatMap(Capstanfile::memory)),
                cpus,
                ports(capstanfile.map(Capstanfile::ports).orElse(List.of()), settings.ports()),
                env,
                Optional.of(runtime),
                Optional.empty());
    }

    private static Optional<Runtime.Java> javaRuntime(Optional<Capstanfile> capstanfile) throws SettingException {
        Optional<Runtime> runtime = capstanfile.flatMap(Capstanfile::runtime);
        if (runtime.isPresent() && !(runtime.get() instanceof Runtime.Java)) {
            throw new SettingException("the project's Capstanfile says runtime: native, and the Maven plugin"
                    + " builds Java images: remove the runtime key or make it runtime: java");
        }
        if (capstanfile.flatMap(Capstanfile::capstanPackage).isPresent()) {
            throw new SettingException("the project is a Capstan package (meta/), which the Maven plugin does"
                    + " not build: write a Capstanfile, or leave the image to the pom's settings");
        }
        return runtime.map(Runtime.Java.class::cast);
    }

    /** The Capstanfile's ports, then the pom's; a pom port replaces the Capstanfile's of the same host port and protocol. */
    static List<PortMapping> ports(List<PortMapping> fromFile, List<PortMapping> fromPom) {
        List<PortMapping> all = new ArrayList<>();
        fromFile.stream().filter(f -> fromPom.stream().noneMatch(p -> p.host() == f.host()
                && p.protocol() == f.protocol())).forEach(all::add);
        for (PortMapping p : fromPom) {
            if (!all.contains(p)) {
                all.add(p);
            }
        }
        return all;
    }
}
