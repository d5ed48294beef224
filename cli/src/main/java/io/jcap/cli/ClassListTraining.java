package io.jcap.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads (without initialising) every class of jcap and of the libraries every command starts
 * with, so that {@code bin/jcap} can record them with {@code -XX:DumpLoadedClassList} for its
 * class-data-sharing archive. Without it the archive held only the classes of whichever command
 * ran first after a build: a {@code jcap run} after a first {@code jcap version} loaded ~0.1 s of
 * classes from the jars.
 */
final class ClassListTraining {
    /** Packages whose classes go into the archive: jcap's, the CLI parser's, JSON and YAML. */
    private static final List<String> PREFIXES = List.of("io/jcap/", "picocli/", "com/fasterxml/jackson/",
            "org/yaml/snakeyaml/");

    private ClassListTraining() {
    }

    public static void main(String[] args) throws IOException, URISyntaxException {
        Path jar = Path.of(ClassListTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> jars = new ArrayList<>(List.of(jar));
        try (JarFile main = new JarFile(jar.toFile())) {
            String classPath = main.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath != null) {
                for (String entry : classPath.trim().split("\\s+")) {
                    jars.add(jar.resolveSibling(entry));
                }
            }
        }
        ClassLoader loader = ClassListTraining.class.getClassLoader();
        int loaded = 0;
        for (Path path : jars) {
            try (JarFile file = new JarFile(path.toFile())) {
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (name.endsWith(".class") && !name.contains("-") && PREFIXES.stream().anyMatch(name::startsWith)) {
                        loaded += load(loader, name.substring(0, name.length() - 6).replace('/', '.'));
                    }
                }
            }
        }
        System.out.println(loaded + " classes loaded");
    }

    private static int load(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
            return 1;
        } catch (LinkageError | ClassNotFoundException e) {
            return 0; // a class for an optional library that is not on the class path: not needed at start
        }
    }
}
