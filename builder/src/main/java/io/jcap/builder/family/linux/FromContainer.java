package io.jcap.builder.family.linux;

import io.jcap.builder.compose.GuestConfig;
import io.jcap.builder.compose.HostTree;
import io.jcap.builder.compose.ImageDefaults;
import io.jcap.builder.container.ContainerImage;
import io.jcap.builder.container.ContainerImages;
import io.jcap.builder.container.ContainerRun;
import io.jcap.builder.container.ContainerSource;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CommandWords;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.FsType;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Linux inputs of a Capstanfile with {@code from:}: the container image's tree with
 * {@code rootfs} and {@code files} on top, its config's command, environment, folder, user and
 * ports, each replaced or extended by what the Capstanfile says.
 */
final class FromContainer {
    private FromContainer() {
    }

    static LinuxInputs inputs(Capstanfile c, Path scratch, EventSink events) throws JcapException {
        if (c.runtime().isPresent()) {
            throw new JcapException(c.file() + ": from: and runtime: cannot be combined (the container image brings its"
                    + " own runtime): remove runtime");
        }
        FsType fs = c.fs().orElse(FsType.EXT4);
        if (fs != FsType.EXT4 && fs != FsType.EXT2) {
            throw new JcapException("fs " + fs.id() + " cannot hold a container image: use ext4 or ext2");
        }
        ContainerSource source;
        try {
            source = ContainerSource.parse(c.from().orElseThrow(), c.projectDir());
        } catch (IllegalArgumentException e) {
            // jcap build --from REF without a Capstanfile: the command line named it.
            throw java.nio.file.Files.exists(c.file()) ? new JcapException(c.file() + ": from: " + e.getMessage(), e)
                    : JcapException.usage("--from: " + e.getMessage(), e);
        }
        events.info("Reading container image " + source.text());
        ContainerImage image = ContainerImages.read(source, scratch, events);
        Optional<List<String>> command;
        try {
            command = c.cmdline().map(CommandWords::split);
        } catch (IllegalArgumentException e) {
            throw new JcapException(c.file() + ": cmdline: " + e.getMessage(), e);
        }
        ContainerRun run = ContainerRun.of(image, command, c.env());
        List<ImageEntry> files = new ArrayList<>();
        for (ImageEntry e : image.entries()) {
            // jcap's kernel, initramfs and configuration live there; an image's own (often an empty /boot) give way.
            if (under(e.path(), LinuxBoot.BOOT) || under(e.path(), GuestConfig.PATH.parent())) {
                if (!(e instanceof ImageEntry.Directory)) {
                    events.warn(source.text() + ": " + e.path() + " is left out: jcap's boot files and configuration"
                            + " live in " + LinuxBoot.BOOT + " and " + GuestConfig.PATH.parent());
                }
                continue;
            }
            files.add(e);
        }
        // The init binds its /etc/hosts and /etc/resolv.conf over these on the read-only root. A link
        // there (Debian's systemd-resolved stub, say) leads to a file the VM does not have: it gives
        // way to a file, as container runtimes make one at that path.
        for (String etc : List.of("/etc/hosts", "/etc/resolv.conf")) {
            GuestPath path = GuestPath.of(etc);
            ImageEntry folder = files.stream().filter(e -> e.path().equals(path.parent())).findFirst().orElse(null);
            ImageEntry present = files.stream().filter(e -> e.path().equals(path)).findFirst().orElse(null);
            if (folder != null && !(folder instanceof ImageEntry.Directory)) {
                events.warn(source.text() + ": " + path.parent() + " is not a folder in the image (a "
                        + (folder instanceof ImageEntry.Symlink l ? "symbolic link to " + l.target() : "file")
                        + "): the VM gets no " + path + ", so " + (etc.endsWith("hosts") ? "localhost does not"
                        : "host names do not") + " resolve");
                continue;
            }
            if (present instanceof ImageEntry.Symlink link) {
                events.warn(source.text() + ": " + path + " is a symbolic link to " + link.target() + ": replaced by a"
                        + " file the init fills at boot, as container runtimes do");
                files.remove(present);
                present = null;
            }
            if (present == null) {
                files.add(new ImageEntry.RegularFile(path, 0644, FileContent.of(new byte[0])));
            }
        }
        workingFolder(run.cwd(), files, source.text(), events);
        volumeFolders(run.volumes(), files, source.text(), events);
        if (c.rootfs().isPresent()) {
            files.addAll(HostTree.folder(c.rootfs().get(), GuestPath.ROOT));
        }
        for (Map.Entry<GuestPath, Path> file : c.files().entrySet()) {
            files.add(HostTree.file(file.getValue(), file.getKey()));
        }
        GuestConfig config;
        try {
            config = new GuestConfig(run.argv(), run.env(), run.cwd(), run.user(), run.stopSignal(), run.volumes());
        } catch (IllegalArgumentException e) {
            throw new JcapException(source.text() + ": " + e.getMessage(), e);
        }
        return new LinuxInputs(files, config, CommandWords.join(run.argv()), c.kernel().orElse(ImageDefaults.kernel()),
                fs.id(), c.size(), c.memory().map(m -> (int) m.mebibytes()).orElse(ImageDefaults.MEMORY_MIB),
                c.cpus().orElse(ImageDefaults.CPUS), c.ports().isEmpty() ? run.ports() : c.ports());
    }

    /**
     * The folder the application starts in: made (root, 0755) when the image lacks it, as Docker
     * makes a missing WorkingDir; one under {@code /tmp}, which the init mounts a fresh tmpfs over,
     * is reported, since the application would start in a folder that is not there.
     */
    private static void workingFolder(GuestPath cwd, List<ImageEntry> files, String image, EventSink events) {
        if (cwd.isRoot()) {
            return;
        }
        if (cwd.value().equals("/tmp") || cwd.value().startsWith("/tmp/")) {
            if (!cwd.value().equals("/tmp")) {
                events.warn(image + ": its WorkingDir " + cwd + " is inside /tmp, which the init mounts a fresh tmpfs"
                        + " over at boot: the application cannot start there; give the image a WorkingDir outside /tmp");
            }
            return;
        }
        Map<GuestPath, ImageEntry> have = new java.util.HashMap<>();
        files.forEach(e -> have.put(e.path(), e));
        List<GuestPath> missing = new ArrayList<>();
        GuestPath folder = cwd;
        while (!folder.isRoot() && !have.containsKey(folder)) {
            missing.add(folder);
            folder = folder.parent();
        }
        if (!folder.isRoot() && !(have.get(folder) instanceof ImageEntry.Directory)) {
            return;   // a link or a file on the way: the guest resolves it, and says what it finds
        }
        missing.forEach(f -> files.add(new ImageEntry.Directory(f, 0755)));
    }

    /**
     * Each volume needs its folder on the read-only root for the init's tmpfs: added (root, 0755, as
     * Docker creates a missing one) when the image lacks it. What the image holds inside is hidden at
     * run time (Docker would copy it into a new volume), so that is reported.
     */
    private static void volumeFolders(List<GuestPath> volumes, List<ImageEntry> files, String image, EventSink events)
            throws JcapException {
        for (GuestPath volume : volumes) {
            ImageEntry there = files.stream().filter(e -> e.path().equals(volume)).findFirst().orElse(null);
            if (there == null) {
                files.add(new ImageEntry.Directory(volume, 0755));
            } else if (!(there instanceof ImageEntry.Directory)) {
                throw new JcapException(image + ": its volume " + volume + " is not a folder in the image: a volume"
                        + " gets a tmpfs at boot, which needs a folder there");
            }
            long hidden = files.stream().filter(e -> !e.path().equals(volume) && under(e.path(), volume)).count();
            if (hidden > 0) {
                events.warn(image + ": the " + hidden + " entries the image has in its volume " + volume + " are hidden"
                        + " at run time by the volume's empty tmpfs (jcap does not copy them in as Docker does)");
            }
        }
    }

    private static boolean under(GuestPath path, GuestPath folder) {
        return path.equals(folder) || path.value().startsWith(folder.value() + "/");
    }
}
