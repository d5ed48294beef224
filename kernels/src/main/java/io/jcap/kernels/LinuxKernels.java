package io.jcap.kernels;

import io.jcap.formats.deb.DebPackage;
import io.jcap.host.SystemTemp;
import io.jcap.host.TempFiles;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts Linux kernels into the {@link KernelStore}: Debian's kernel packages pulled with apt, or a
 * kernel the user brings ({@code jcap kernels import FILE}).
 *
 * <pre>{@code
 * Kernel k = new LinuxKernels(new AptClient()).pull(LinuxFlavour.CLOUD, store, events); // stored as "linux"
 * }</pre>
 */
public final class LinuxKernels {
    private final AptClient apt;

    public LinuxKernels(AptClient apt) {
        this.apt = apt;
    }

    /**
     * Downloads the current kernel package of {@code flavour} (the versioned package its
     * metapackage depends on), extracts the kernel image and the modules guests need, and stores
     * them under {@link LinuxFlavour#storeName()}.
     */
    public Kernel pull(LinuxFlavour flavour, KernelStore store, EventSink events) throws JcapException {
        events.info("Resolving " + flavour.metapackage());
        String versioned = apt.depends(flavour.metapackage()).stream()
                .filter(name -> name.matches("linux-image-\\d.*"))
                .findFirst()
                .orElseThrow(() -> new EnvironmentException("apt does not list a versioned linux-image package "
                        + "among the dependencies of " + flavour.metapackage() + ": run 'apt-get update' and try again"));
        Path work = tempFolder();
        try {
            events.info("Downloading " + versioned);
            Path file = apt.download(versioned, work.resolve("download"));
            DebPackage deb = DebPackage.open(file);
            events.info("Downloaded " + file.getFileName() + " (" + megabytes(size(file)) + ")");
            String origin = "apt:" + deb.control().packageName() + "=" + deb.control().version();
            return install(deb, flavour.storeName(), flavour.label(), flavour.modules(),
                    flavour.optionalModules(), origin, store, events, work);
        } finally {
            TempFiles.delete(work);
        }
    }

    /** Whether {@code file} is something {@link #importKernel} takes: a Debian package or a bzImage. */
    public static boolean recognises(Path file) {
        return Files.isRegularFile(file) && (DebPackage.isDebianPackage(file) || BzImage.isBzImage(file));
    }

    /**
     * Stores a kernel from a file: a Debian {@code linux-image-*} package (handled as by
     * {@link #pull}, modules included) or a bare bzImage, recognised by its content. A bzImage has no
     * modules: the virtio drivers must be built into it, which the events warn about.
     */
    public Kernel importKernel(Path vmlinuzOrDeb, String name, KernelStore store, EventSink events)
            throws JcapException {
        KernelStore.requireName(name);
        if (!Files.isRegularFile(vmlinuzOrDeb)) {
            throw new JcapException("kernel file " + vmlinuzOrDeb + " does not exist or is not a regular file");
        }
        if (DebPackage.isDebianPackage(vmlinuzOrDeb)) {
            DebPackage deb = DebPackage.open(vmlinuzOrDeb);
            String packageName = deb.control().packageName();
            String flavour = packageName.contains("-cloud-") ? LinuxFlavour.CLOUD.label() : LinuxFlavour.GENERIC.label();
            String origin = "deb:" + vmlinuzOrDeb.toAbsolutePath().normalize() + " (" + packageName + "="
                    + deb.control().version() + ")";
            Path work = tempFolder();
            try {
                return install(deb, name, flavour, LinuxFlavour.GENERIC.modules(),
                        LinuxFlavour.GENERIC.optionalModules(), origin, store, events, work);
            } finally {
                TempFiles.delete(work);
            }
        }
        if (!BzImage.isBzImage(vmlinuzOrDeb)) {
            throw new JcapException(vmlinuzOrDeb + " is neither a Debian package nor a Linux kernel image "
                    + "(no HdrS signature at offset 0x202): import a linux-image .deb or a bzImage (vmlinuz)");
        }
        requireWhole(vmlinuzOrDeb, vmlinuzOrDeb.toString(), "import the whole vmlinuz");
        String release = BzImage.release(vmlinuzOrDeb).orElse("unknown");
        events.warn("Kernel " + vmlinuzOrDeb + " is imported without modules: it boots only if virtio_pci, "
                + "virtio_blk, virtio_net and ext4 are built into it");
        Kernel kernel = store.add(new KernelDraft(name, release, "custom",
                "file:" + vmlinuzOrDeb.toAbsolutePath().normalize(), vmlinuzOrDeb, List.of()));
        events.info("Stored kernel " + name + " " + release + " (" + megabytes(size(kernel.vmlinuz())) + ")");
        return kernel;
    }

    /** Refuses a bzImage whose header announces more bytes than {@code file} has. */
    private static void requireWhole(Path file, String what, String remedy) throws JcapException {
        long missing;
        try {
            missing = BzImage.missingBytes(file);
        } catch (IOException e) {
            throw new JcapException("cannot read " + what + ": " + e.getMessage(), e);
        }
        if (missing > 0) {
            throw new JcapException(what + " is a Linux kernel image cut short: its header announces " + missing
                    + " bytes more than the file has (a truncated copy?): " + remedy);
        }
    }

    private Kernel install(DebPackage deb, String name, String flavour, List<String> wanted, List<String> optional,
                           String origin, KernelStore store, EventSink events, Path work) throws JcapException {
        KernelPackageExtractor.Result extracted =
                KernelPackageExtractor.extract(deb, wanted, optional, work.resolve("extract"), events);
        if (!extracted.builtinSkipped().isEmpty()) {
            events.debug("Built into " + extracted.release() + ": " + String.join(" ", extracted.builtinSkipped()));
        }
        if (!extracted.absent().isEmpty()) {
            events.debug("Not in " + extracted.release() + ": " + String.join(" ", extracted.absent()));
        }
        // A package's vmlinuz is checked as a bare one is: a .deb made by hand can hold anything there.
        String inPackage = "the vmlinuz of " + deb.file();
        if (!BzImage.isBzImage(extracted.vmlinuz())) {
            throw new JcapException(inPackage + " is not a Linux kernel image (no HdrS signature at offset 0x202):"
                    + " import a linux-image package of Debian's, or a bzImage");
        }
        requireWhole(extracted.vmlinuz(), inPackage, "import a whole linux-image package");
        Kernel kernel = store.add(new KernelDraft(name, extracted.release(), flavour, origin, extracted.vmlinuz(),
                extracted.modules()));
        long moduleBytes = 0;
        for (Path module : kernel.modules()) {
            moduleBytes += size(module);
        }
        events.info("Stored kernel " + name + " " + extracted.release() + " from " + deb.control().packageName() + " "
                + deb.control().version() + ": package " + megabytes(size(deb.file())) + ", vmlinuz "
                + megabytes(size(kernel.vmlinuz())) + ", " + kernel.modules().size() + " modules "
                + kilobytes(moduleBytes) + " (" + String.join(" ", kernel.loadOrder()) + ")");
        return kernel;
    }

    /**
     * A work folder in the system's temporary folder, locked while this process lives: a pull
     * killed outright leaves it to the next pull's sweep ({@link TempFiles#create}).
     */
    private static Path tempFolder() throws JcapException {
        try {
            return TempFiles.create(SystemTemp.folder(), "jcap-kernel-");
        } catch (IOException e) {
            throw new JcapException("cannot create a temporary folder: " + e.getMessage(), e);
        }
    }

    private static long size(Path file) throws JcapException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new JcapException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    private static String megabytes(long bytes) {
        return io.jcap.model.ByteSize.human(bytes);
    }

    private static String kilobytes(long bytes) {
        return io.jcap.model.ByteSize.human(bytes);
    }
}
