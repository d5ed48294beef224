package io.jcap.maven;

import io.jcap.builder.repository.ImageName;
import io.jcap.model.ByteSize;
import io.jcap.model.EnvName;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plugin's image settings from the pom (or {@code -Djcap.KEY=}), checked: each bad value is
 * reported with the setting's name in the pom and on the command line, and what is allowed.
 *
 * <pre>{@code
 * PomSettings s = PomSettings.read(raw, basedir);  // raw: the mojo's parameters as given
 * s.memory();  // Optional[256M]
 * }</pre>
 *
 * @param image the image name; empty for the project's artifactId
 * @param kernel the kernel ({@code linux}, {@code osv}, a catalogue name); empty for the Capstanfile's or the default
 * @param memory the VM's memory; empty for the Capstanfile's or the default
 * @param cpus the VM's CPUs; empty for the Capstanfile's or the default
 * @param ports ports forwarded from the host, added to the Capstanfile's
 * @param env environment variables, added to the Capstanfile's (the pom's win)
 * @param jvmFlags JVM options, after the Capstanfile's
 * @param mainClass the main class; empty to take it from the Capstanfile, the jar plugin or the jar's manifest
 * @param extraFiles further files: guest path to host path (relative to the project folder)
 * @param jlinkModules JDK modules added to those jdeps finds
 */
record PomSettings(Optional<String> image, Optional<String> kernel, Optional<ByteSize> memory, OptionalInt cpus,
                   List<PortMapping> ports, SortedMap<String, String> env, List<String> jvmFlags,
                   Optional<String> mainClass, SortedMap<GuestPath, Path> extraFiles, List<String> jlinkModules) {
    private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    PomSettings {
        ports = List.copyOf(ports);
        env = Collections.unmodifiableSortedMap(new TreeMap<>(env));
        jvmFlags = List.copyOf(jvmFlags);
        extraFiles = Collections.unmodifiableSortedMap(new TreeMap<>(extraFiles));
        jlinkModules = List.copyOf(jlinkModules);
    }

    /** The settings as the mojo received them, unchecked; blank strings count as not given. */
    record Raw(String image, String kernel, String memory, String cpus, List<String> ports, Map<String, String> env,
               List<String> jvmFlags, String mainClass, List<String> extraFiles, List<String> jlinkModules) {
    }

    /**
     * Checks every setting and reports all bad ones at once.
     *
     * @throws SettingException naming each bad setting ({@code <memory>} / {@code -Djcap.memory}) and what it takes
     */
    static PomSettings read(Raw raw, Path basedir) throws SettingException {
        List<String> problems = new ArrayList<>();
        Optional<String> image = given(raw.image());
        image.ifPresent(name -> check(problems, "image", () -> ImageName.check(name)));
        // The Capstanfile's and jcap run -m's rules: whole MiB, at least 32M, at most what QEMU takes.
        Optional<ByteSize> memory = given(raw.memory()).flatMap(text -> parse(problems, "memory",
                () -> io.jcap.model.GuestMemory.parse(text).size()));
        OptionalInt cpus = OptionalInt.empty();
        if (given(raw.cpus()).isPresent()) {
            String text = raw.cpus().strip();
            if (text.matches("[0-9]{1,2}") && Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= 64) {
                cpus = OptionalInt.of(Integer.parseInt(text));
            } else {
                problems.add(name("cpus") + ": '" + text + "' is not a number of CPUs: use 1 to 64");
            }
        }
        List<PortMapping> ports = new ArrayList<>();
        java.util.Set<String> hostPorts = new java.util.HashSet<>();
        for (String port : list(raw.ports())) {
            Optional<PortMapping> mapping = parse(problems, "ports", () -> PortMapping.parse(port));
            if (mapping.isPresent() && !hostPorts.add(mapping.get().host() + "/" + mapping.get().protocol().id())) {
                problems.add(name("ports") + ": host port " + mapping.get().host() + "/" + mapping.get().protocol().id()
                        + " is given twice: give each port its own host port");
                continue;
            }
            mapping.ifPresent(ports::add);
        }
        SortedMap<String, String> env = new TreeMap<>();
        for (Map.Entry<String, String> e : (raw.env() == null ? Map.<String, String>of() : raw.env()).entrySet()) {
            if (!EnvName.valid(e.getKey())) {
                problems.add(name("env") + ": variable name '" + e.getKey() + "' is not allowed: " + EnvName.RULE);
            } else {
                env.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
            }
        }
        Optional<String> mainClass = given(raw.mainClass()).map(String::strip);
        mainClass.filter(c -> !CLASS_NAME.matcher(c).matches()).ifPresent(c -> problems.add(name("mainClass")
                + ": '" + c + "' is not a class name: give the fully qualified name, such as com.example.Main"));
        SortedMap<GuestPath, Path> extraFiles = new TreeMap<>();
        for (String entry : list(raw.extraFiles())) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                problems.add(name("extraFiles") + ": '" + entry + "' is not GUEST=HOST: write /etc/app.conf=src/main/jcap/app.conf");
                continue;
            }
            Optional<GuestPath> guest = parse(problems, "extraFiles", () -> GuestPath.of(entry.substring(0, eq).strip()));
            String text = entry.substring(eq + 1).strip();
            // As a Capstanfile's files: a relative path stays in the project folder, links included;
            // an absolute one names what it names.
            boolean relative = !Path.of(text).isAbsolute();
            Path host = basedir.resolve(text).normalize();
            if (guest.isPresent() && relative && !host.startsWith(basedir.normalize())) {
                problems.add(name("extraFiles") + ": host path '" + text + "' of " + guest.get() + " leaves the project"
                        + " folder " + basedir + ": use a path inside it, or an absolute path");
            } else if (guest.isPresent() && !java.nio.file.Files.exists(host)) {
                problems.add(name("extraFiles") + ": host file '" + entry.substring(eq + 1).strip()
                        + "' of " + guest.get() + " does not exist (resolved to " + host + ")");
            } else if (guest.isPresent() && io.jcap.host.KernelViews.of(host).isPresent()) {
                problems.add(name("extraFiles") + ": host file '" + entry.substring(eq + 1).strip() + "' of " + guest.get()
                        + " is a file of the kernel's " + io.jcap.host.KernelViews.of(host).get()
                        + ", whose size is not its content: copy it to a file first");
            } else if (guest.isPresent() && !java.nio.file.Files.isRegularFile(host)) {
                problems.add(name("extraFiles") + ": host file '" + entry.substring(eq + 1).strip() + "' of " + guest.get()
                        + " is not a regular file (resolved to " + host + "): jcap copies files, not folders, devices,"
                        + " FIFOs or sockets");
            } else if (guest.isPresent() && relative && outside(host, basedir).isPresent()) {
                problems.add(name("extraFiles") + ": host path '" + text + "' of " + guest.get() + " leads out of the"
                        + " project folder " + basedir + " through a symbolic link (to " + outside(host, basedir).get()
                        + "): name the file by its absolute path if it is meant");
            } else if (guest.isPresent() && extraFiles.put(guest.get(), host) != null) {
                problems.add(name("extraFiles") + ": guest path " + guest.get() + " is given twice");
            }
        }
        List<String> modules = list(raw.jlinkModules());
        modules.stream().filter(m -> !MODULE_NAME.matcher(m).matches()).forEach(m -> problems.add(name("jlinkModules")
                + ": '" + m + "' is not a module name: use names such as jdk.crypto.ec or java.sql"));
        if (!problems.isEmpty()) {
            throw new SettingException(problems);
        }
        return new PomSettings(image, given(raw.kernel()).map(String::strip), memory, cpus, ports, env,
                list(raw.jvmFlags()), mainClass, extraFiles, modules);
    }

    /** How a user names setting {@code key}: in the pom and on the command line. */
    static String name(String key) {
        return "<" + key + "> (-Djcap." + key + ")";
    }

    private static Optional<String> given(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text);
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList();
    }

    private static void check(List<String> problems, String key, Runnable check) {
        parse(problems, key, () -> {
            check.run();
            return Boolean.TRUE;
        });
    }

    private static <T> Optional<T> parse(List<String> problems, String key, java.util.function.Supplier<T> parser) {
        try {
            return Optional.of(parser.get());
        } catch (IllegalArgumentException e) {
            problems.add(name(key) + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The real path of {@code host} when a symbolic link takes it out of {@code basedir}'s real path. */
    private static Optional<Path> outside(Path host, Path basedir) {
        try {
            Path real = host.toRealPath();
            return real.startsWith(basedir.toRealPath()) ? Optional.empty() : Optional.of(real);
        } catch (java.io.IOException e) {
            return Optional.of(host);
        }
    }
}
