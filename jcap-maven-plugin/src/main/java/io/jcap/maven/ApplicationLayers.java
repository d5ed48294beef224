package io.jcap.maven;

import io.jcap.host.HostNames;
import io.jcap.model.GuestPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The application as two layers of files in the image: the project's own classes and resources
 * under {@code /app/classes}, its run-time dependencies under {@code /app/lib}, and the class path
 * naming them in Maven's resolution order. A code change touches only the first layer's files.
 *
 * <pre>{@code
 * ApplicationLayers layers = ApplicationLayers.of(Path.of("target/classes"),  // its files under /app/classes
 *         List.of(new ApplicationLayers.Dependency("com.fasterxml.jackson.core", "jackson-core",
 *                 Path.of("jackson-core-2.18.2.jar"))));
 * layers.classpath();  // [/app/classes, /app/lib/jackson-core-2.18.2.jar]
 * }</pre>
 *
 * @param files guest path to host file or folder
 * @param classpath the guest paths of the class path, the project's classes first
 */
record ApplicationLayers(SortedMap<GuestPath, Path> files, List<GuestPath> classpath) {
    static final GuestPath CLASSES = GuestPath.of("/app/classes");
    static final GuestPath LIB = GuestPath.of("/app/lib");

    ApplicationLayers {
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
        classpath = List.copyOf(classpath);
    }

    /**
     * A resolved dependency: its group (to tell apart two jars of the same file name), its artifactId
     * and its file, a jar or, for a module of the same reactor built only to {@code compile}, a
     * classes folder (which goes in the image under the artifactId, since every such folder is
     * called {@code classes}).
     */
    record Dependency(String groupId, String artifactId, Path file) {
        String name() {
            return Files.isDirectory(file) ? artifactId : file.getFileName().toString();
        }
    }

    /**
     * The layers of {@code classes} and {@code dependencies}, which keep their order on the class
     * path. A folder goes in file by file (the image takes files, not folders, by guest path).
     */
    static ApplicationLayers of(Path classes, List<Dependency> dependencies) throws IOException {
        SortedMap<GuestPath, Path> files = new TreeMap<>();
        List<GuestPath> classpath = new ArrayList<>();
        addFolder(files, CLASSES, classes);
        classpath.add(CLASSES);
        Map<String, Integer> uses = new HashMap<>();
        dependencies.forEach(d -> uses.merge(d.name(), 1, Integer::sum));
        for (Dependency dependency : dependencies) {
            // Two artifacts can share a file name (same artifactId and version in two groups): the
            // group then goes in front of both, as Jib does, so the names stay stable across builds.
            String name = uses.get(dependency.name()) > 1 ? dependency.groupId() + "-" + dependency.name()
                    : dependency.name();
            GuestPath guest = LIB.resolve(name);
            if (Files.isDirectory(dependency.file())) {
                addFolder(files, guest, dependency.file());
            } else {
                files.put(guest, dependency.file());
            }
            classpath.add(guest);
        }
        return new ApplicationLayers(files, classpath);
    }

    private static void addFolder(SortedMap<GuestPath, Path> files, GuestPath guest, Path folder) throws IOException {
        List<Path> found;
        try (Stream<Path> walk = Files.walk(folder)) {
            found = walk.filter(Files::isRegularFile).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path file : found) {
            // Name by name: a backslash is part of a Linux name, and names must be UTF-8.
            files.put(HostNames.guestPath(folder, file, guest), file);
        }
    }

    /** Whether {@code path} lies in one of the layers, where no other file may go. */
    static boolean reserved(GuestPath path) {
        return path.equals(CLASSES) || path.equals(LIB) || path.ancestors().contains(CLASSES)
                || path.ancestors().contains(LIB);
    }
}
