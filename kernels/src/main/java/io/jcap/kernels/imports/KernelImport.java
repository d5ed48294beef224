package io.jcap.kernels.imports;

import io.jcap.formats.qcow2.Qcow2Header;
import io.jcap.kernels.AptClient;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.LinuxKernels;
import io.jcap.kernels.osv.NotAnOsvKernelException;
import io.jcap.kernels.osv.OsvKernelImporter;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code jcap kernels import FILE}: hands a file to the kernel family that recognises its
 * content (a Linux {@code .deb} or bzImage, OSv's loader image or ZFS builder kernel) and refuses
 * anything else in one line that says what each family looked for.
 *
 * <pre>{@code
 * Kernel k = KernelImport.importFile(Path.of("osv-loader.qemu"), Optional.empty(), store, events); // "osv"
 * }</pre>
 */
public final class KernelImport {
    private KernelImport() {
    }

    /**
     * The name {@link #importFile} would store {@code file} under: {@code name} if given, else an
     * OSv file's default ({@code osv}, {@code osv-zfs-builder}); empty when the file is not one
     * jcap can name by itself (so that the store's existing kernel can be protected before it
     * is replaced).
     */
    public static Optional<String> storeName(Path file, Optional<String> name) {
        if (name.isPresent()) {
            return name;
        }
        try {
            if (!Files.isRegularFile(file) || LinuxKernels.recognises(file)) {
                return Optional.empty();
            }
            return Optional.of(OsvKernelImporter.defaultName(io.jcap.kernels.osv.OsvKernels.inspect(file).kind()));
        } catch (JcapException notOsvOrUnreadable) {
            // importFile says what is wrong with the file.
            return Optional.empty();
        }
    }

    /**
     * Stores {@code file} under {@code name}; an OSv file may go without a name (it gets its kind's
     * default), a Linux kernel may not.
     */
    public static Kernel importFile(Path file, Optional<String> name, KernelStore store, EventSink events)
            throws JcapException {
        if (!Files.isRegularFile(file)) {
            throw new JcapException("kernel file " + file + " does not exist or is not a regular file");
        }
        // No family takes a disk that names other files, but one that does is refused for that.
        Qcow2Header.requireSelfContained(file, "kernel file");
        if (LinuxKernels.recognises(file)) {
            if (name.isEmpty()) {
                throw new JcapException(file + " is a Linux kernel: give the name to store it under with --name NAME",
                        ExitCode.USAGE, null);
            }
            return new LinuxKernels(new AptClient()).importKernel(file, name.get(), store, events);
        }
        try {
            return new OsvKernelImporter().importFile(file, name, store, events);
        } catch (NotAnOsvKernelException e) {
            throw new JcapException(file + " is not a kernel jcap can import: it is not a Debian kernel package or a"
                    + " Linux bzImage, and it is neither an OSv loader image nor an OSv ZFS builder kernel ("
                    + e.reason() + "); import a linux-image .deb, a bzImage (vmlinuz), OSv's loader.img"
                    + " (osv-loader.qemu) or zfs_builder.elf (osv-zfs-builder.elf)", e);
        }
    }
}
