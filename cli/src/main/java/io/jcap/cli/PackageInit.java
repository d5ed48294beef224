package io.jcap.cli;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code jcap init --package}: a Capstan package's {@code meta/package.yaml} and {@code
 * meta/run.yaml}, commented, for a runtime (Capstan's {@code package init} and {@code runtime
 * init}). The package is named after its folder; nothing is written over an existing file or a
 * Capstanfile (which would win over the package) unless {@code --force}.
 */
final class PackageInit {
    private final Path dir;
    private final boolean force;
    private final PrintWriter out;

    PackageInit(Path dir, boolean force, PrintWriter out) {
        this.dir = dir;
        this.force = force;
        this.out = out;
    }

    int write(String runtime) throws JcapException {
        Path meta = dir.resolve("meta");
        Path packageFile = meta.resolve("package.yaml");
        Path runFile = meta.resolve("run.yaml");
        for (Path file : List.of(meta, packageFile, runFile)) {
            if (Files.isSymbolicLink(file)) {
                throw new JcapException(file + " is a symbolic link: jcap init writes files of its own there, not"
                        + " through a link (remove the link first)");
            }
        }
        for (Path file : List.of(packageFile, runFile)) {
            if (Files.exists(file) && !force) {
                throw new JcapException(file + " already exists (use --force to overwrite it)");
            }
        }
        if (Files.exists(dir.resolve("Capstanfile")) && !force) {
            throw new JcapException(dir.resolve("Capstanfile") + " exists: jcap build " + dir + " builds from it and"
                    + " would ignore meta/ (remove it, or use --force to write meta/ anyway)");
        }
        try {
            Files.createDirectories(meta);
            String descriptor = new String(InitCommand.template("capstan-package.yaml"), StandardCharsets.UTF_8);
            Files.write(packageFile, descriptor.replace("@NAME@", name()).getBytes(StandardCharsets.UTF_8),
                    InitCommand.NOT_THROUGH_A_LINK);
            Files.write(runFile, InitCommand.template("capstan-run-" + runtime + ".yaml"), InitCommand.NOT_THROUGH_A_LINK);
        } catch (IOException e) {
            throw new JcapException("could not write " + meta + ": " + e.getMessage(), e);
        }
        out.println("wrote " + packageFile + " and " + runFile + " (Capstan package, runtime " + runtime
                + "); edit them, then run: jcap build " + dir);
        return 0;
    }

    /** The folder's name as a package name: letters, digits, '.', '_' and '-', others as '-'. */
    private String name() {
        Path folder = dir.toAbsolutePath().normalize().getFileName();
        String name = folder == null ? "package" : folder.toString().replaceAll("[^A-Za-z0-9._-]", "-");
        return name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0)) && name.charAt(0) != '_'
                ? "package-" + name : name;
    }
}
