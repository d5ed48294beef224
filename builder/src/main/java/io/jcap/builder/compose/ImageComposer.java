package io.jcap.builder.compose;

import io.jcap.formats.cpio.CpioWriter;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Optional;

/**
 * Puts an image's file tree together: the application's entries (rootfs first, then files, so
 * that files win), the folders every Linux guest mounts on, the guest configuration and the
 * kernel family's boot files.
 */
public final class ImageComposer {
    private static final List<ImageEntry> SYSTEM_DIRS = List.of(
            new ImageEntry.Directory(GuestPath.of("/dev"), 0755),
            new ImageEntry.Directory(GuestPath.of("/proc"), 0555),
            new ImageEntry.Directory(GuestPath.of("/sys"), 0555),
            new ImageEntry.Directory(GuestPath.of("/tmp"), 01777));

    private ImageComposer() {
    }

    /**
     * The application's files (not folders) under {@code /dev}, {@code /proc}, {@code /sys} and
     * {@code /tmp}, which a run never sees: the guest init mounts devtmpfs, proc, sysfs and a fresh
     * tmpfs there (docs/guest-protocol.md), hiding what the image holds.
     */
    public static List<GuestPath> hiddenWhenRunning(List<ImageEntry> application) {
        List<GuestPath> hidden = new java.util.ArrayList<>();
        List<String> mounts = SYSTEM_DIRS.stream().map(mount -> mount.path().value() + "/").toList();
        for (ImageEntry e : application) {
            if (e instanceof ImageEntry.Directory) {
                continue;
            }
            for (String mount : mounts) {
                if (e.path().value().startsWith(mount)) {
                    hidden.add(e.path());
                }
            }
        }
        return hidden;
    }

    /**
     * What a run writes over the image's own file at {@code path}, as container runtimes do
     * (docs/guest-protocol.md): empty when the guest leaves it as it is.
     */
    public static Optional<String> replacedWhenRunning(ImageEntry entry) {
        if (entry instanceof ImageEntry.Directory) {
            return Optional.empty();
        }
        return switch (entry.path().value()) {
            case "/etc/hosts" -> Optional.of("/etc/hosts of the image is replaced when it runs: the guest writes its own"
                    + " there (localhost and its host name), as container runtimes do; name other hosts by address or"
                    + " in the application's own configuration");
            case "/etc/resolv.conf" -> Optional.of("/etc/resolv.conf of the image is replaced when it runs: the guest"
                    + " writes the DNS servers its network gives there, as container runtimes do");
            default -> Optional.empty();
        };
    }

    public static ImageTree compose(List<ImageEntry> application, GuestConfig config, BootFiles boot) throws JcapException {
        Optional<String> tooBig;
        try {
            tooBig = CpioWriter.tooBig(application, "the builder guest", true);
        } catch (CpioWriter.SourceException e) {
            throw new JcapException(e.getMessage(), e);
        }
        if (tooBig.isPresent()) {
            throw new JcapException(tooBig.get());
        }
        ImageTree tree = new ImageTree();
        for (ImageEntry e : application) {
            checkPlace(e.path(), boot.reserved());
            try {
                tree.add(e);
            } catch (IllegalArgumentException clash) {
                // rootfs, files and a runtime's files meet in one tree: say which entry did not fit.
                throw new JcapException("the image's files do not fit together at " + e.path() + ": " + clash.getMessage()
                        + " (files entries are placed over rootfs and a runtime's files, and cannot replace a folder"
                        + " that holds files or go through a symbolic link: change the files key, or the rootfs"
                        + " folder)", clash);
            }
        }
        try {
            for (ImageEntry dir : SYSTEM_DIRS) {
                if (!tree.contains(dir.path())) {
                    tree.add(dir);
                }
            }
            tree.add(new ImageEntry.RegularFile(GuestConfig.PATH, 0444, FileContent.of(config.toBytes())));
            for (ImageEntry e : boot.entries()) {
                tree.add(e);
            }
        } catch (IllegalArgumentException e) {
            throw new JcapException(e.getMessage(), e);
        }
        GuestPath command = GuestPath.of(config.argv().get(0));
        // Followed through links inside the image: /bin/sh in a merged-/usr image is /usr/bin/sh.
        ImageEntry program = tree.resolve(command).orElse(null);
        if (program == null && tree.contains(command)) {
            throw new JcapException("the command " + command + " is a symbolic link that leads to nothing in the image"
                    + " (a loop, or a target the image lacks): link it to the program, or put the program there");
        }
        if (program == null) {
            throw new JcapException("the command " + command + " is not in the image: add it under files"
                    + " (e.g. " + command + ": " + command.fileName() + ")");
        }
        int mode = ImageEntry.inode(program).map(ImageEntry.RegularFile::mode).orElse(0111);
        if ((mode & 0111) == 0) {
            throw new JcapException("the command " + command + " is not executable (mode "
                    + Integer.toOctalString(mode) + "): chmod +x its host file");
        }
        return tree;
    }

    /**
     * Checks that a Linux guest can start the image's command, as its kernel would: not a folder,
     * and its #! interpreter or ELF loader in the image too ({@link CommandInterpreters}). A build
     * calls it on the composed tree; trees composed for a builder guest alone (tests, tools) need not
     * hold a runnable command.
     */
    public static void checkCommand(ImageTree tree, GuestConfig config) throws JcapException {
        GuestPath command = GuestPath.of(config.argv().get(0));
        if (tree.resolve(command).orElse(null) instanceof ImageEntry.Directory) {
            throw new JcapException("the command " + command + " is a folder in the image, not a program");
        }
        CommandInterpreters.check(tree, command, config.env());
    }

    /**
     * Refuses an application path the image cannot hold: one at or under {@code reserved} (the
     * family's boot files) or jcap's configuration folder, or a name or path too long for Linux.
     */
    public static void checkPlace(GuestPath path, List<GuestPath> reserved) throws JcapException {
        checkNameLength(path);
        boolean underReserved = new BootFiles(List.of(), reserved).reserves(path);
        if (underReserved || path.equals(GuestConfig.PATH.parent())
                || path.value().startsWith(GuestConfig.PATH.parent().value() + "/")) {
            throw new JcapException("guest path " + path + " is reserved by jcap (kernel, boot loader and"
                    + " configuration live there): choose another path");
        }
    }

    /**
     * Linux's limits, checked before a guest boots for them: a name of at most 255 bytes, a path
     * of at most 4095 (ext4's and the VFS's; the builder guest would refuse them one by one).
     */
    private static void checkNameLength(GuestPath path) throws JcapException {
        // A char is at most 3 bytes of UTF-8 (a surrogate pair 4 for 2), so a path of at most 85
        // chars holds no name over 255 bytes: most paths are, and are not encoded.
        String value = path.value();
        if (value.length() <= 255 / 3) {
            return;
        }
        byte[] whole = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (whole.length > 4095) {
            throw new JcapException("guest path " + value.substring(0, 60) + "... is " + whole.length + " bytes"
                    + " long: Linux takes paths of at most 4095");
        }
        for (String name : value.split("/")) {
            int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > 255) {
                throw new JcapException("guest path " + path + " has a name of " + bytes + " bytes: Linux file systems"
                        + " take names of at most 255");
            }
        }
    }
}
