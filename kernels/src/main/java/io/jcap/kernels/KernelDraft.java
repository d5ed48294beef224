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
 * <pre>{@code
 * store.add(new KernelDraft("linux", "6.1.0-28-cloud-amd64", "cloud", "apt:...", vmlinuz, modules));
 * store.add(new KernelDraft("osv", KernelKind.OSV_LOADER, "unknown", "custom", "import:loader.img", loader, List.of()));
 * }</pre>
 *
 * @param image the image file, stored as {@link KernelKind#fileName()}
 * @param modules the {@code .ko} files in load order; their file names must differ; only Linux kernels have any
 */
public record KernelDraft(String name, KernelKind kind, String version, String flavour, String origin, Path image,
                          List<Path> modules) {
    public KernelDraft {
        KernelStore.checkName(name);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(image, "image");
        modules = List.copyOf(modules);
        if (!modules.isEmpty() && kind != KernelKind.BZIMAGE) {
            throw new IllegalArgumentException("only Linux kernels have modules, not a " + kind + " kernel");
        }
        Set<String> names = new HashSet<>();
        for (Path module : modules) {
            String file = module.getFileName().toString();
            if (!file.endsWith(".ko") || !names.add(file)) {
                throw new IllegalArgumentException("module file " + module + " is not a .ko file or its name is repeated");
            }
        }
    }

    /** A Linux kernel: a bzImage and its modules. */
    public KernelDraft(String name, String version, String flavour, String origin, Path vmlinuz, List<Path> modules) {
        this(name, KernelKind.BZIMAGE, version, flavour, origin, vmlinuz, modules);
    }
}
