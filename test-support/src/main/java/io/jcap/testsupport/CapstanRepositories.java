package io.jcap.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Capstan's local package repository as {@code capstan package import} leaves it:
 * {@code packages/NAME.mpm}, a gzip-compressed tar whose names are rooted at the package folder
 * ({@code /}, {@code /meta/}, {@code /meta/package.yaml}, {@code /lib/app.so}: what {@code capstan
 * package build} writes), and {@code packages/NAME.yaml}, the package's descriptor.
 *
 * <pre>{@code
 * CapstanRepositories.Package lib = CapstanRepositories.pkg("com.example.lib")
 *         .requires("com.example.base")
 *         .runYaml("runtime: native\nconfig_set:\n  serve: {bootcmd: /lib/serve.so}\n")
 *         .file("lib/serve.so", bytes, 0755)
 *         .symlink("lib/current", "serve.so");
 * lib.writeTo(repositoryRoot);   // repositoryRoot/packages/com.example.lib.{mpm,yaml}
 * }</pre>
 */
public final class CapstanRepositories {
    private CapstanRepositories() {
    }

    public static Package pkg(String name) {
        return new Package(name);
    }

    /** One package, written by {@link #writeTo}. */
    public static final class Package {
        private final String name;
        private final StringBuilder require = new StringBuilder();
        private String runYaml;
        private final Map<String, byte[]> files = new LinkedHashMap<>();
        private final Map<String, Integer> modes = new LinkedHashMap<>();
        private final Map<String, String> links = new LinkedHashMap<>();

        private Package(String name) {
            this.name = name;
        }

        public Package requires(String... packages) {
            for (String p : packages) {
                require.append("- ").append(p).append('\n');
            }
            return this;
        }

        public Package runYaml(String text) {
            this.runYaml = text;
            return this;
        }

        public Package file(String path, byte[] content, int mode) {
            files.put(path, content);
            modes.put(path, mode);
            return this;
        }

        public Package file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
        }

        public Package symlink(String path, String target) {
            links.put(path, target);
            return this;
        }

        /** The descriptor, as Capstan's import writes it. */
        public String descriptor() {
            return "name: " + name + "\ntitle: " + name + "\nauthor: Test Packager\nversion: \"1.0\"\n"
                    + (require.length() == 0 ? "" : "require:\n" + require) + "created: 2026-12-07T07:00:00Z\n";
        }

        /** Writes {@code packages/NAME.mpm} and {@code packages/NAME.yaml} under {@code root}. */
        public Path writeTo(Path root) throws IOException {
            Path packages = Files.createDirectories(root.resolve("packages"));
            Files.writeString(packages.resolve(name + ".yaml"), descriptor());
            Path mpm = packages.resolve(name + ".mpm");
            writeArchive(Files.newOutputStream(mpm), true);
            return mpm;
        }

        /**
         * The archive: the folder entry, {@code /meta/} with the descriptor and {@code run.yaml},
         * each file's folders before it, the files, then the links.
         */
        public void writeArchive(OutputStream out, boolean gzip) throws IOException {
            try (OutputStream o = gzip ? new GzipCompressorOutputStream(out) : out;
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(o, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                directory(tar, "/");
                directory(tar, "/meta/");
                regular(tar, "/meta/package.yaml", descriptor().getBytes(StandardCharsets.UTF_8), 0644);
                if (runYaml != null) {
                    regular(tar, "/meta/run.yaml", runYaml.getBytes(StandardCharsets.UTF_8), 0644);
                }
                Set<String> made = new HashSet<>();
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    String[] parts = f.getKey().split("/");
                    StringBuilder dir = new StringBuilder("/");
                    for (int i = 0; i < parts.length - 1; i++) {
                        dir.append(parts[i]).append('/');
                        if (made.add(dir.toString())) {
                            directory(tar, dir.toString());
                        }
                    }
                    regular(tar, "/" + f.getKey(), f.getValue(), modes.get(f.getKey()));
                }
                for (Map.Entry<String, String> l : links.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry("/" + l.getKey(), TarArchiveEntry.LF_SYMLINK, true);
                    e.setLinkName(l.getValue());
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
            }
        }

        private static void directory(TarArchiveOutputStream tar, String path) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(path, true);
            e.setMode(040755);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }

        private static void regular(TarArchiveOutputStream tar, String path, byte[] content, int mode)
                throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(path, true);
            e.setMode(0100000 | mode);
            e.setSize(content.length);
            e.setUserId(1000);
            e.setGroupId(1000);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
    }
}
