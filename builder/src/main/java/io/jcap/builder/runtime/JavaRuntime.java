package io.jcap.builder.runtime;

import io.jcap.builder.compose.HostTree;
import io.jcap.capstanfile.Runtime;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The Java runtime of an image: a minimal JVM linked with the modules the application uses,
 * placed at {@link #HOME}, and the command line that starts the application with it. The
 * application's own files (jar, classes) come from the package file; their shared libraries and
 * the JVM's are collected with the image's other programs ({@link NativeLibraries}).
 */
final class JavaRuntime {
    /** Where the runtime lives in the image. */
    static final GuestPath HOME = GuestPath.of("/opt/java");

    /**
     * @param entries the runtime's files at {@link #HOME}
     * @param argv the derived command line (empty when the package file gives its own {@code cmdline})
     */
    record Prepared(List<ImageEntry> entries, SortedSet<String> modules, List<String> argv) {
        Prepared {
            entries = List.copyOf(entries);
            argv = List.copyOf(argv);
        }
    }

    private JavaRuntime() {
    }

    /**
     * @param application the package file's files (rootfs and files) in the order they are added
     * @param deriveCommand whether to derive the command line (the package file has no {@code cmdline})
     */
    static Prepared prepare(Runtime.Java java, List<ImageEntry> application, boolean deriveCommand, JlinkCache cache)
            throws JcapException {
        Map<GuestPath, ImageEntry> files = new TreeMap<>();
        application.forEach(e -> files.put(e.path(), e));
        if (java.jar().isPresent() && java.main().isEmpty() && deriveCommand) {
            requireMainClass(java.jar().get(), files);
        }
        List<Path> inputs = applicationFiles(java, files);
        if (deriveCommand) {
            requireOnClassPath(java, files);
        }
        SortedSet<String> modules = JavaModules.required(inputs, java.jvmArgs(), cache.jdepsFolder());
        Path runtime = cache.runtime(modules, JavaCommandLine.sharesClassData(java.jvmArgs()));
        List<ImageEntry> entries = new ArrayList<>();
        for (ImageEntry e : HostTree.folder(runtime, HOME)) {
            if (!e.path().equals(HOME.resolve(JlinkCache.STAMP))) {
                entries.add(e);
            }
        }
        List<String> argv = deriveCommand ? JavaCommandLine.argv(java, HOME) : List.of();
        return new Prepared(entries, modules, argv);
    }

    /** The host files of the jar and class path, which jdeps reads. */
    static List<Path> applicationFiles(Runtime.Java java, Map<GuestPath, ImageEntry> files) throws JcapException {
        List<String> classpath = JavaCommandLine.classpath(java);
        if (classpath.isEmpty()) {
            throw new JcapException("runtime.java: give jar or classpath, so that jcap can find the Java modules the"
                    + " application uses");
        }
        List<Path> inputs = new ArrayList<>();
        for (String entry : classpath) {
            List<Path> found = entry.endsWith("/*") ? jarsIn(GuestPath.of(entry).parent(), files)
                    : classesAt(GuestPath.of(entry), files);
            if (found.isEmpty()) {
                throw new JcapException("runtime.java: class path entry " + entry + " names nothing in the image: add"
                        + " the application's jar or classes under files or rootfs");
            }
            inputs.addAll(found);
        }
        if (java.jar().isPresent() && java.main().isEmpty()) {
            for (GuestPath jar : manifestClassPath(java.jar().get(), files)) {
                inputs.addAll(classesAt(jar, files));
            }
        }
        return inputs;
    }

    /** A jar file, or the class files under a folder. */
    private static List<Path> classesAt(GuestPath path, Map<GuestPath, ImageEntry> files) {
        List<Path> found = new ArrayList<>();
        hostFile(files.get(path)).ifPresent(found::add);
        if (found.isEmpty()) {
            // A folder: the files key may list its classes one by one, without the folder itself.
            String prefix = path.isRoot() ? "/" : path.value() + "/";
            for (ImageEntry e : files.values()) {
                if (e.path().value().startsWith(prefix) && e.path().value().endsWith(".class")) {
                    hostFile(e).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    /** The jars directly in a folder, as the JVM expands {@code folder/*}. */
    private static List<Path> jarsIn(GuestPath folder, Map<GuestPath, ImageEntry> files) {
        List<Path> found = new ArrayList<>();
        for (ImageEntry e : files.values()) {
            String name = e.path().fileName();
            if (e.path().parent().equals(folder) && (name.endsWith(".jar") || name.endsWith(".JAR"))) {
                hostFile(e).ifPresent(found::add);
            }
        }
        return found;
    }

    private static Optional<Path> hostFile(ImageEntry entry) {
        if (entry instanceof ImageEntry.RegularFile f && f.content() instanceof FileContent.HostFile host) {
            return Optional.of(host.path());
        }
        return Optional.empty();
    }

    private static Manifest manifest(GuestPath jar, Map<GuestPath, ImageEntry> files) throws JcapException {
        Path host = hostFile(files.get(jar)).orElseThrow(() -> new JcapException("runtime.java.jar: " + jar
                + " is not in the image: add it under files (" + jar + ": target/" + jar.fileName() + ")"));
        try (JarFile file = new JarFile(host.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest == null ? new Manifest() : manifest;
        } catch (IOException e) {
            throw new JcapException("runtime.java.jar: cannot read " + host + " as a jar: " + e.getMessage(), e);
        }
    }

    private static void requireMainClass(GuestPath jar, Map<GuestPath, ImageEntry> files) throws JcapException {
        if (manifest(jar, files).getMainAttributes().getValue(Attributes.Name.MAIN_CLASS) == null) {
            throw new JcapException("runtime.java.jar: " + jar + " has no Main-Class in its manifest, so java -jar"
                    + " cannot start it: set runtime.java.main, or build the jar with a main class");
        }
    }

    /**
     * Refuses a main class that none of the class path's jars and folders holds: the image was
     * built, and the JVM said "Could not find or load main class" only when it ran.
     */
    private static void requireOnClassPath(Runtime.Java java, Map<GuestPath, ImageEntry> files) throws JcapException {
        String main;
        List<GuestPath> jars = new ArrayList<>();
        List<GuestPath> folders = new ArrayList<>();
        if (java.main().isPresent()) {
            main = java.main().get();
            for (String entry : JavaCommandLine.classpath(java)) {
                if (entry.endsWith("/*")) {
                    GuestPath folder = GuestPath.of(entry).parent();
                    files.keySet().stream().filter(p -> p.parent().equals(folder) && p.fileName().toLowerCase(Locale.ROOT)
                            .endsWith(".jar")).forEach(jars::add);
                } else if (hostFile(files.get(GuestPath.of(entry))).isPresent()) {
                    jars.add(GuestPath.of(entry));
                } else {
                    folders.add(GuestPath.of(entry));
                }
            }
        } else if (java.jar().isPresent()) {
            main = manifest(java.jar().get(), files).getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
            if (main == null) {
                return;
            }
            jars.add(java.jar().get());
            jars.addAll(manifestClassPath(java.jar().get(), files));
        } else {
            return;
        }
        String classFile = main.trim().replace('.', '/') + ".class";
        for (GuestPath folder : folders) {
            if (files.containsKey(folder.resolve(classFile))) {
                return;
            }
        }
        for (GuestPath jar : jars) {
            Optional<Path> host = hostFile(files.get(jar));
            if (host.isPresent()) {
                try (JarFile file = new JarFile(host.get().toFile())) {
                    if (file.getEntry(classFile) != null) {
                        return;
                    }
                } catch (IOException e) {
                    return; // jdeps, which reads every jar, says what is wrong with it
                }
            }
        }
        List<String> searched = new ArrayList<>();
        jars.forEach(j -> searched.add(j.value()));
        folders.forEach(f -> searched.add(f.value()));
        throw new JcapException("runtime.java: main class " + main.trim() + " (" + classFile + ") is in none of "
                + String.join(", ", searched) + ": the JVM would not find it; check runtime.java."
                + (java.main().isPresent() ? "main and classpath" : "jar's Main-Class") + ", and that files or rootfs"
                + " put the application's classes in the image");
    }

    /** The jars a jar's manifest puts on the class path, relative to the jar's folder, that are in the image. */
    private static List<GuestPath> manifestClassPath(GuestPath jar, Map<GuestPath, ImageEntry> files)
            throws JcapException {
        String value = manifest(jar, files).getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        List<GuestPath> jars = new ArrayList<>();
        if (value == null) {
            return jars;
        }
        for (String word : value.trim().split("\\s+")) {
            try {
                GuestPath path = word.startsWith("/") ? GuestPath.of(word) : jar.parent().resolve(word);
                if (files.containsKey(path)) {
                    jars.add(path);
                }
            } catch (IllegalArgumentException e) {
                // A Class-Path entry outside the image (or a URL) is not loaded in the guest either.
            }
        }
        return jars;
    }
}
