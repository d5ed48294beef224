package io.jcap.kernels;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A kernel about to be added to the {@link KernelStore}: host files the store copies in, and the
 * facts it records in {@code kernel.json}.
 *
 * @param modules the {@code .ko} files in load order; their file names must differ
 */
public record KernelDraft(String name, String version, String flavour, String origin, Path vmlinuz,
                          List<Path> modules) {
    public KernelDraft {
        KernelStore.checkName(name);
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(vmlinuz, "vmlinuz");
        modules = List.copyOf(modules);
        Set<String> names = new HashSet<>();
        for (Path module : modules) {
            String file = module.getFileName().toString();
            if (!file.endsWith(".ko") || !names.add(file)) {
                throw new IllegalArgumentException("module file " + module + " is not a .ko file or its name is repeated");
            }
        }
    }
}
