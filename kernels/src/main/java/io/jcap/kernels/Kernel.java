package io.jcap.kernels;

import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A kernel in the {@link KernelStore}: its boot image, its modules in the order the guest init
 * loads them, and where it came from. The paths point into the store; a {@code Kernel} returned by
 * {@link KernelStore#get} has had every file checked against its recorded SHA-256.
 *
 * <pre>{@code
 * Kernel k = store.get("linux");
 * k.vmlinuz();     // ~/.jcap/kernels/linux/vmlinuz
 * k.modules();     // [.../modules/virtio_ring.ko, .../modules/virtio.ko, ...]
 * }</pre>
 *
 * @param name the store name ({@code linux}, {@code linux-generic})
 * @param family the kernel family; {@code linux}
 * @param version the kernel release, such as {@code 6.1.0-56-cloud-amd64}
 * @param flavour {@code cloud}, {@code generic} or {@code custom}
 * @param origin where it came from: {@code apt:PACKAGE=VERSION}, {@code deb:FILE}, {@code file:FILE}
 * @param folder the kernel's folder in the store
 * @param vmlinuz the bootable kernel image (a bzImage)
 * @param vmlinuzSha256 the SHA-256 of {@code vmlinuz}
 * @param modules the {@code .ko} files in load order (empty when everything needed is built in)
 */
public record Kernel(String name, String family, String version, String flavour, String origin, Path folder,
                     Path vmlinuz, Sha256 vmlinuzSha256, List<Path> modules) {
    public Kernel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(vmlinuz, "vmlinuz");
        Objects.requireNonNull(vmlinuzSha256, "vmlinuzSha256");
        modules = List.copyOf(modules);
    }

    /** The module file names in load order, as the guest's {@code /lib/modules/load-order} lists them. */
    public List<String> loadOrder() {
        return modules.stream().map(p -> p.getFileName().toString()).toList();
    }
}
