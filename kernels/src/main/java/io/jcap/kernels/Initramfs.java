package io.jcap.kernels;

import io.jcap.formats.cpio.CpioWriter;
import io.jcap.host.Durable;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two initramfs images of the guest protocol ({@code docs/guest-protocol.md}), as uncompressed
 * newc cpio archives. The run image holds {@code /init} (jcap-init), {@code /lib/modules/*.ko},
 * {@code /lib/modules/load-order} and, for the init's loading by device, {@code modules.alias} and
 * {@code modules.dep}; the builder image adds {@code /sbin/mke2fs} and
 * {@code /sbin/extlinux} from the host, with their shared libraries and the dynamic loader. The same
 * kernel and host tools give the same bytes.
 *
 * <pre>{@code
 * new Initramfs().writeBuilderInitramfs(store.get("linux"), work.resolve("builder-initrd.img"));
 * }</pre>
 */
public final class Initramfs {
    /** Where the build puts the compiled guest init. */
    public static final String INIT_RESOURCE = "/io/jcap/kernels/init/jcap-init";
    /**
     * The version of docs/guest-protocol.md this init speaks; images record it. 2: run-time
     * settings from fw_cfg and the power button (1: images whose metadata does not say); 3:
     * cloud-init data from seed drives and metadata services, modules loaded by the devices'
     * aliases, the root found by its file system UUID or label; 4: a GPT disk whose root is
     * partition 2 ({@code jcap.part}), after an EFI system partition, booting under BIOS and UEFI;
     * 5: the run's exit tag ({@code exit_tag}) after {@code JCAP-EXIT}'s status; 6: console input
     * ({@code interactive}: the console read without echo); 7: disks mounted on folders for one
     * run ({@code disk_volume}, jcap run --volume).
     */
    public static final int GUEST_PROTOCOL = 7;
    /** The first guest protocol whose init takes run-time settings from fw_cfg. */
    public static final int GUEST_PROTOCOL_RUN_SETTINGS = 2;
    /** The first guest protocol whose init ends a run with the host's tag ({@code exit_tag}). */
    public static final int GUEST_PROTOCOL_EXIT_TAG = 5;
    /** The first guest protocol whose init takes {@code interactive} (jcap run -i). */
    public static final int GUEST_PROTOCOL_INTERACTIVE = 6;
    /** The first guest protocol whose init mounts a run's disk volumes ({@code disk_volume}, jcap run --volume). */
    public static final int GUEST_PROTOCOL_DISK_VOLUMES = 7;

    /**
     * A host program the builder image carries.
     *
     * @param hostCandidates where to look for it on the host, in order
     * @param debianPackage the package that installs it, named when it is missing
     */
    public record HostTool(GuestPath guestPath, List<Path> hostCandidates, String debianPackage) {
        public HostTool {
            hostCandidates = List.copyOf(hostCandidates);
        }
    }

    /** {@code mke2fs} (e2fsprogs) and {@code extlinux} (extlinux), at {@code /sbin} in the guest. */
    public static final List<HostTool> BUILDER_TOOLS = List.of(
            new HostTool(GuestPath.of("/sbin/mke2fs"), List.of(Path.of("/sbin/mke2fs"), Path.of("/usr/sbin/mke2fs")),
                    "e2fsprogs"),
            new HostTool(GuestPath.of("/sbin/extlinux"), List.of(Path.of("/usr/bin/extlinux"),
                    Path.of("/usr/sbin/extlinux"), Path.of("/sbin/extlinux")), "extlinux"));

    private static final GuestPath MODULES = GuestPath.of("/lib/modules");

    private final String initResource;
    private final List<HostTool> builderTools;
    private final ElfLibraries libraries;

    public Initramfs() {
        this(INIT_RESOURCE, BUILDER_TOOLS, ElfLibraries.ofHost());
    }

    /**
     * @param initResource the classpath resource holding the init program
     * @param builderTools the host programs of the builder image
     */
    public Initramfs(String initResource, List<HostTool> builderTools, ElfLibraries libraries) {
        this.initResource = initResource;
        this.builderTools = List.copyOf(builderTools);
        this.libraries = libraries;
    }

    /** The files of the run image. */
    public ImageTree runTree(Kernel kernel) throws JcapException {
        ImageTree tree = new ImageTree();
        tree.add(new ImageEntry.RegularFile(GuestPath.of("/init"), 0755, FileContent.of(init())));
        StringBuilder loadOrder = new StringBuilder();
        for (Path module : kernel.modules()) {
            String name = module.getFileName().toString();
            tree.add(new ImageEntry.RegularFile(MODULES.resolve(name), 0644, hostFile(module)));
            loadOrder.append(name).append('\n');
        }
        tree.add(new ImageEntry.RegularFile(MODULES.resolve("load-order"), 0644,
                FileContent.of(loadOrder.toString().getBytes(StandardCharsets.UTF_8))));
        if (!kernel.modules().isEmpty()) {
            ModuleIndex index = ModuleIndex.of(kernel);
            tree.add(new ImageEntry.RegularFile(MODULES.resolve("modules.alias"), 0644,
                    FileContent.of(index.aliasFile().getBytes(StandardCharsets.UTF_8))));
            tree.add(new ImageEntry.RegularFile(MODULES.resolve("modules.dep"), 0644,
                    FileContent.of(index.depFile().getBytes(StandardCharsets.UTF_8))));
        }
        return tree;
    }

    /** The files of the builder image: the run image's plus the host tools and their libraries. */
    public ImageTree builderTree(Kernel kernel) throws JcapException {
        ImageTree tree = runTree(kernel);
        for (Map.Entry<GuestPath, Path> file : builderHostFiles().entrySet()) {
            tree.add(new ImageEntry.RegularFile(file.getKey(), 0755, hostFile(file.getValue())));
        }
        return tree;
    }

    /** The host files the builder image adds to the run image's: the tools and their libraries, by guest path. */
    public Map<GuestPath, Path> builderHostFiles() throws JcapException {
        Map<GuestPath, Path> files = new LinkedHashMap<>();
        for (HostTool tool : builderTools) {
            Path program = locate(tool);
            files.put(tool.guestPath(), program);
            for (ElfLibraries.Library library : libraries.resolve(program)) {
                files.put(library.guestPath(), library.hostFile());
            }
        }
        return files;
    }

    public byte[] runInitramfs(Kernel kernel) throws JcapException {
        return toBytes(runTree(kernel));
    }

    public byte[] builderInitramfs(Kernel kernel) throws JcapException {
        return toBytes(builderTree(kernel));
    }

    public void writeRunInitramfs(Kernel kernel, Path target) throws JcapException {
        write(runTree(kernel), target);
    }

    public void writeBuilderInitramfs(Kernel kernel, Path target) throws JcapException {
        write(builderTree(kernel), target);
    }

    private static CpioWriter writer() {
        return new CpioWriter(CpioWriter.NameStyle.RELATIVE, CpioWriter.defaultMtime());
    }

    private static byte[] toBytes(ImageTree tree) throws JcapException {
        try {
            return writer().toBytes(tree.entries());
        } catch (IOException e) {
            throw new JcapException("cannot compose an initramfs: " + e.getMessage(), e);
        }
    }

    private static void write(ImageTree tree, Path target) throws JcapException {
        Path folder = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
            Path temp = Files.createTempFile(folder, ".initramfs-", ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(temp)) {
                    writer().write(tree.entries(), out, EventSink.NONE);
                }
                Durable.syncFile(temp);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new JcapException("cannot write initramfs " + target + ": " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of the guest init this initramfs carries. */
    public Sha256 initSha256() throws JcapException {
        return Sha256.of(init());
    }

    private byte[] init() throws JcapException {
        try (InputStream in = Initramfs.class.getResourceAsStream(initResource)) {
            if (in == null) {
                throw new EnvironmentException("the guest init (classpath resource " + initResource + ") is missing: "
                        + "the kernels module was built without musl-gcc; install musl-tools and rebuild jcap");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new JcapException("cannot read the guest init " + initResource + ": " + e.getMessage(), e);
        }
    }

    private static Path locate(HostTool tool) throws EnvironmentException {
        for (Path candidate : tool.hostCandidates()) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        List<String> looked = tool.hostCandidates().stream().map(Path::toString).toList();
        throw new EnvironmentException(tool.guestPath().fileName() + " is not installed on this machine (looked for "
                + String.join(", ", looked) + "); the builder guest needs it: install the Debian package "
                + tool.debianPackage());
    }

    private static FileContent hostFile(Path file) throws JcapException {
        try {
            return FileContent.of(file);
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
