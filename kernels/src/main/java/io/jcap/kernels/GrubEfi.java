package io.jcap.kernels;

import io.jcap.host.Durable;
import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * GRUB as the UEFI boot loader of jcap's Linux images: {@code /EFI/BOOT/BOOTX64.EFI} on the
 * EFI system partition, the path firmware boots on a disk it has no boot entry for, and its
 * {@code grub.cfg} beside it, which finds the root file system by UUID and boots the same
 * kernel, initramfs and command line as extlinux does under a BIOS. GRUB reads ext4, so the
 * kernel is not copied into the FAT partition (docs/guest-protocol.md, "Disk layout").
 *
 * <p>The image is made by the host's {@code grub-mkimage} from Debian's {@code grub-efi-amd64-bin}
 * modules, with only what that configuration needs (about 0.6 MB). The image does not depend on the
 * configuration, so with a cache folder ({@link #cachedIn}) it is made once per GRUB installation
 * and read back after (a process less, about 20 ms, in every build).
 *
 * <pre>{@code
 * byte[] loader = new GrubEfi().image(workDir);
 * String cfg = GrubEfi.config("console=ttyS0 jcap.mode=run", rootUuid);
 * }</pre>
 */
public final class GrubEfi {
    /** Where Debian's grub-efi-amd64-bin keeps GRUB's x86_64 UEFI modules. */
    public static final Path DEBIAN_MODULES = Path.of("/usr/lib/grub/x86_64-efi");
    /** Where {@code grub.cfg} is, on the partition GRUB was loaded from (its prefix). */
    public static final String PREFIX = "/EFI/BOOT";
    /**
     * The modules of the image: the partition table and file systems it reads, the commands
     * {@link #config} uses, the serial console, and the UEFI graphics output that the kernel's
     * EFI stub is handed (without one GRUB boots "in blind mode" and says so twice).
     */
    static final List<String> MODULES = List.of("part_gpt", "fat", "ext2", "normal", "linux", "search",
            "search_fs_uuid", "serial", "terminal", "efi_gop", "echo", "halt");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Changes whenever what the cache key covers, or how, changes. */
    private static final String CACHE_VERSION = "jcap-grub-efi-1";

    private final String mkimage;
    private final Path modules;
    private final Optional<Path> cache;

    public GrubEfi() {
        this("grub-mkimage", DEBIAN_MODULES);
    }

    /** @param mkimage the {@code grub-mkimage} command; @param modules GRUB's x86_64-efi folder */
    public GrubEfi(String mkimage, Path modules) {
        this(mkimage, modules, Optional.empty());
    }

    private GrubEfi(String mkimage, Path modules, Optional<Path> cache) {
        this.mkimage = mkimage;
        this.modules = modules;
        this.cache = cache;
    }

    /**
     * The same loader, kept in {@code dir} under a name that covers what grub-mkimage makes it
     * from: the tool's file, every file of the modules folder (their names, sizes and times), the
     * modules asked for and the prefix. An upgraded GRUB makes a new one; the older ones go.
     */
    public GrubEfi cachedIn(Path dir) {
        return new GrubEfi(mkimage, modules, Optional.of(dir));
    }

    /** Whether this host can make the loader: the tool and the modules are there. */
    public boolean available() {
        return HostTool.find(mkimage).isPresent() && Files.isRegularFile(modules.resolve("linux.mod"));
    }

    /**
     * The loader's bytes, made in {@code workDir} (the file is deleted again).
     *
     * @throws EnvironmentException when grub-mkimage or the modules are missing
     */
    public byte[] image(Path workDir) throws JcapException {
        Optional<Path> tool = HostTool.find(mkimage);
        if (tool.isEmpty() || !Files.isRegularFile(modules.resolve("linux.mod"))) {
            throw new EnvironmentException("GRUB's UEFI modules (" + modules + ") or grub-mkimage are missing: jcap's"
                    + " Linux images boot under UEFI through GRUB; install the Debian package grub-efi-amd64-bin"
                    + " (apt-get install --no-install-recommends grub-efi-amd64-bin)");
        }
        if (cache.isEmpty()) {
            return make(workDir);
        }
        Path cached;
        try {
            cached = cache.get().resolve(cacheKey(tool.get()) + ".efi");
            if (Files.isRegularFile(cached)) {
                return Files.readAllBytes(cached);
            }
        } catch (IOException e) {
            return make(workDir); // the cache is a shortcut only
        }
        byte[] image = make(workDir);
        keep(cached, image);
        return image;
    }

    /** SHA-256 (hex) of what the image is made from; see {@link #cachedIn}. */
    String cacheKey(Path tool) throws IOException {
        StringBuilder key = new StringBuilder(CACHE_VERSION).append('\n').append(String.join(" ", MODULES))
                .append('\n').append(PREFIX).append('\n');
        Path toolFile = tool.toRealPath();
        BasicFileAttributes t = Files.readAttributes(toolFile, BasicFileAttributes.class);
        key.append(toolFile).append(' ').append(t.size()).append(' ').append(t.lastModifiedTime().toMillis()).append('\n');
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(modules)) {
            dir.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            key.append(file.getFileName()).append(' ').append(a.size()).append(' ')
                    .append(a.lastModifiedTime().toMillis()).append('\n');
        }
        return Sha256.of(key.toString().getBytes(StandardCharsets.UTF_8)).hex();
    }

    /** Stores {@code image} as {@code cached} (whole or not at all) and drops the loaders of other GRUBs. */
    private static void keep(Path cached, byte[] image) {
        Path dir = cached.getParent();
        try {
            Files.createDirectories(dir);
            Durable.writeAtomically(cached, image);
            try (DirectoryStream<Path> others = Files.newDirectoryStream(dir, "*.efi")) {
                for (Path other : others) {
                    if (!other.equals(cached)) {
                        Files.deleteIfExists(other);
                    }
                }
            }
        } catch (IOException e) {
            // The cache is a shortcut only: the next build makes the loader again.
        }
    }

    /** Runs grub-mkimage into {@code workDir} and reads what it made (the file is deleted again). */
    private byte[] make(Path workDir) throws JcapException {
        Path out = workDir.resolve("BOOTX64.EFI");
        List<String> command = new ArrayList<>(List.of(mkimage, "-O", "x86_64-efi", "-d", modules.toString(),
                "-p", PREFIX, "-o", out.toString()));
        command.addAll(MODULES);
        HostTool.Result result = HostTool.run(command, TIMEOUT);
        try {
            if (result.exitCode() != 0) {
                throw new EnvironmentException("grub-mkimage failed (exit " + result.exitCode() + "): "
                        + result.lastErrorLine());
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new JcapException("cannot read the UEFI loader grub-mkimage made (" + out + "): " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                // In a work folder that goes as a whole.
            }
        }
    }

    /**
     * The {@code grub.cfg} that boots at once (no menu) the kernel and initramfs of
     * {@link BootLoader#extlinuxConfig} with {@code append}, from the file system {@code root},
     * its messages on the serial port and the screen. When that fails (no such file system, too
     * little memory) it prints the init's error marker and powers the machine off, instead of
     * waiting at GRUB's prompt for ever.
     */
    public static String config(String append, UUID root) {
        if (append.indexOf('\n') >= 0 || append.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a kernel command line cannot contain line breaks: " + append);
        }
        // GRUB's script language expands $ and treats quotes and ; specially, so each word is put in
        // single quotes (where only a ' itself needs care). Not the whole line in one pair: GRUB
        // hands the kernel an argument holding spaces wrapped in double quotes, and the kernel then
        // reads the whole line as the value of its first parameter.
        if (append.indexOf('"') >= 0) {
            throw new IllegalArgumentException("a kernel command line for GRUB cannot contain a double quote: " + append);
        }
        String quoted = Arrays.stream(append.trim().split("\\s+")).map(w -> "'" + w.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
        return "serial --unit=0 --speed=115200\n"
                + "terminal_input serial console\n"
                + "terminal_output serial console\n"
                + "if search --no-floppy --fs-uuid --set=root " + root + "; then\n"
                + "  linux " + BootLoader.KERNEL + " " + quoted + "\n"
                + "  initrd " + BootLoader.INITRD + "\n"
                + "  boot\n"
                + "fi\n"
                + "echo \"JCAP-ERROR GRUB could not boot " + BootLoader.KERNEL + " from the file system UUID=" + root
                + " (its error is above)\"\n"
                + "halt\n";
    }
}
