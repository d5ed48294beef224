package io.jcap.kernels;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The library folders of {@code /etc/ld.so.conf} and the files it includes, in the order
 * {@code ldconfig} reads them. The dynamic loader finds libraries in these folders through the
 * cache {@code ldconfig} builds from them.
 */
final class LdSoConf {
    private LdSoConf() {
    }

    /** The folders listed by {@code conf} and its includes; an unreadable or missing file gives none. */
    static List<String> folders(Path conf) {
        Set<String> result = new LinkedHashSet<>();
        read(conf, result, new LinkedHashSet<>());
        return List.copyOf(result);
    }

    private static void read(Path conf, Set<String> result, Set<Path> seen) {
        if (!seen.add(conf.toAbsolutePath().normalize())) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException e) {
            return;
        }
        for (String raw : lines) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty() || line.startsWith("hwcap ")) {
                continue;
            }
            if (line.startsWith("include ") || line.startsWith("include\t")) {
                for (String pattern : line.substring("include".length()).trim().split("\\s+")) {
                    for (Path included : glob(conf, pattern)) {
                        read(included, result, seen);
                    }
                }
                continue;
            }
            for (String folder : line.split("[\\s,:]+")) {
                if (folder.startsWith("/")) {
                    result.add(trimSlashes(folder));
                }
            }
        }
    }

    private static List<Path> glob(Path conf, String pattern) {
        Path full = pattern.startsWith("/") ? Path.of(pattern) : conf.toAbsolutePath().getParent().resolve(pattern);
        Path folder = full.getParent();
        List<Path> matches = new ArrayList<>();
        if (folder == null || !Files.isDirectory(folder)) {
            return matches;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + full.getFileName());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (matcher.matches(entry.getFileName()) && Files.isRegularFile(entry)) {
                    matches.add(entry);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        matches.sort(null);
        return matches;
    }

    static String trimSlashes(String folder) {
        String f = folder;
        while (f.length() > 1 && f.endsWith("/")) {
            f = f.substring(0, f.length() - 1);
        }
        return f;
    }
}
