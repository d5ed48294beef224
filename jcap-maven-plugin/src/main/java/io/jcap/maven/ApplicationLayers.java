package io.jcap.maven;

import io.jcap.model.GuestPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The application as two layers of files in the image: the project's own classes and resources
 * under {@code /app/classes}, its run-time dependencies under {@code /app/lib}, and the class path
 * naming them in Maven's resolution order. A code change touches only the first layer's files.
 *
 * <pre>{@code
 * ApplicationLayers layers = ApplicationLayers.of(Path.of("target/classes"),
 *         List.of(new ApplicationLayers.Dependency("com.fasterxml.jackson.core", Path.of("jackson-core-2.18.2.jar"))));
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
     * A resolved dependency: its group (to tell apart two jars of the same file name) and its file,
     * a jar or, for a module of the same reactor built only to {@code compile}, a classes folder.
     */
    record Dependency(String groupId, Path file) {
    }

    /** The layers of {@code classes} and {@code dependencies}, which keep their order on the class path. */
    static ApplicationLayers of(Path classes, List<Dependency> dependencies) {
        SortedMap<GuestPath, Path> files = new TreeMap<>();
        List<GuestPath> classpath = new ArrayList<>();
        files.put(CLASSES, classes);
        classpath.add(CLASSES);
        Map<String, Integer> uses = new HashMap<>();
        dependencies.forEach(d -> uses.merge(d.file().getFileName().toString(), 1, Integer::sum));
        Set<String> taken = new HashSet<>();
        for (Dependency dependency : dependencies) {
            String fileName = dependency.file().getFileName().toString();
            // Two artifacts can share a file name (same artifactId and version in two groups): the
            // group then goes in front of both, as Jib does, so the names stay stable across builds.
            String name = uses.get(fileName) > 1 ? dependency.groupId() + "-" + fileName : fileName;
            if (!taken.add(name)) {
                continue;
            }
            GuestPath guest = LIB.resolve(name);
            files.put(guest, dependency.file());
            classpath.add(guest);
        }
        return new ApplicationLayers(files, classpath);
    }

    /** Whether {@code path} lies in one of the layers, where no other file may go. */
    static boolean reserved(GuestPath path) {
        return path.equals(CLASSES) || path.equals(LIB) || path.ancestors().contains(CLASSES)
                || path.ancestors().contains(LIB);
    }
}
