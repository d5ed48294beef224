package io.jcap.kernels;

import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A kernel in the {@link KernelStore}: its image file, for Linux its modules in the order the
 * guest init loads them, and where it came from. The paths point into the store; a
 * {@code Kernel} returned by {@link KernelStore#get} has had every file checked against its
 * recorded SHA-256.
 *
 * <pre>{@code
 * Kernel k = store.get("linux");
 * k.image();       // ~/.jcap/kernels/linux/vmlinuz
 * k.modules();     // [.../modules/virtio_ring.ko, .../modules/virtio.ko, ...]
 * store.get("osv").image(); // ~/.jcap/kernels/osv/loader.img
 * }</pre>
 *
 * @param name the store name ({@code linux}, {@code linux-generic}, {@code osv})
 * @param family the kernel family: {@code linux} or {@code osv}
 * @param kind what the image file is; its family is {@code family}
 * @param version the kernel release, such as {@code 6.1.0-56-cloud-amd64} ({@code unknown} for OSv files)
 * @param flavour {@code cloud}, {@code generic} or {@code custom}
 * @param origin where it came from: {@code apt:PACKAGE=VERSION}, {@code deb:FILE}, {@code file:FILE},
 *     {@code import:FILE NAME}, {@code url:URL}
 * @param folder the kernel's folder in the store
 * @param image the kernel's image file: a bzImage, OSv's loader image or OSv's ZFS builder kernel
 * @param imageSha256 the SHA-256 of {@code image}
 * @param modules the {@code .ko} files in load order (empty when everything needed is built in, and for OSv)
 */
public record Kernel(String name, String family, KernelKind kind, String version, String flavour, String origin,
                     Path folder, Path image, Sha256 imageSha256, List<Path> modules) {
    public static final String LINUX = "linux";
    public static final String OSV = "osv";

    public Kernel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(imageSha256, "imageSha256");
        if (!kind.family().equals(family)) {
            throw new IllegalArgumentException("a " + kind + " kernel belongs to family " + kind.family() + ", not " + family);
        }
        modules = List.copyOf(modules);
    }

    /** A Linux kernel's bzImage: the same as {@link #image()}. */
    public Path vmlinuz() {
        return image;
    }

    /** The SHA-256 of a Linux kernel's bzImage: the same as {@link #imageSha256()}. */
    public Sha256 vmlinuzSha256() {
        return imageSha256;
    }

    /** The module file names in load order, as the guest's {@code /lib/modules/load-order} lists them. */
    public List<String> loadOrder() {
        return modules.stream().map(p -> p.getFileName().toString()).toList();
    }
}
