package io.jcap.builder.family.linux;

import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.gpt.GptDisk;
import io.jcap.formats.gpt.GptPartition;
import io.jcap.formats.gpt.GptTable;
import io.jcap.formats.gpt.PartitionScheme;
import io.jcap.host.HostTool;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EnvironmentException;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lists the files of a Linux image's ext4 (or ext2) partition with e2fsprogs' {@code debugfs},
 * read-only, on a temporary raw copy of the image: {@code ls -p} folder by folder (one
 * {@code debugfs} run per tree level), {@code stat} for the targets of symbolic links ({@code cat}
 * for the few too long to live in the inode).
 */
final class Ext4Files {
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final List<Path> SBIN = List.of(Path.of("/usr/sbin/debugfs"), Path.of("/sbin/debugfs"));
    private static final String FAST_LINK = "Fast link dest: \"";

    private final Path debugfs;
    private final String device;
    private final Path work;

    private Ext4Files(Path debugfs, String device, Path work) {
        this.debugfs = debugfs;
        this.device = device;
        this.work = work;
    }

    static List<ImageFile> list(JcapHome home, ImageRepository.StoredImage image, GuestPath path)
            throws JcapException, InterruptedException {
        Path debugfs = findDebugfs();
        Path work = TempFiles.register(home.newWorkDir("ls-"));
        try {
            Path raw = work.resolve("disk.raw");
            new QemuImg(QemuInstallation.detect(home.cache()).qemuImg())
                    .convert(image.file(), DiskFormat.QCOW2, raw, DiskFormat.RAW,
                    false);
            Ext4Files files = new Ext4Files(debugfs, raw + "?offset=" + rootPartitionOffset(raw), work);
            return files.list(path, image.metadata().name());
        } finally {
            TempFiles.delete(work);
        }
    }

    private List<ImageFile> list(GuestPath path, String imageName) throws JcapException, InterruptedException {
        ImageFile top = top(path).orElseThrow(() -> new JcapException(path + " is not in image '" + imageName + "'"));
        List<ImageFile> result = new ArrayList<>(List.of(top));
        List<GuestPath> level = top.type() == ImageFile.Type.DIRECTORY ? List.of(path) : List.of();
        while (!level.isEmpty()) {
            Map<GuestPath, List<Entry>> listings = listFolders(level);
            List<GuestPath> next = new ArrayList<>();
            for (Map.Entry<GuestPath, List<Entry>> folder : listings.entrySet()) {
                for (Entry e : folder.getValue()) {
                    if (e.name().equals(".") || e.name().equals("..")) {
                        continue;
                    }
                    ImageFile file = e.toFile(folder.getKey().resolve(e.name()));
                    result.add(file);
                    if (file.type() == ImageFile.Type.DIRECTORY) {
                        next.add(file.path());
                    }
                }
            }
            level = next;
        }
        result = withLinkTargets(result);
        result.sort((a, b) -> a.path().compareTo(b.path()));
        return result;
    }

    /** The entry at {@code path}: the root's "." entry, or the path's entry in its parent's listing. */
    private Optional<ImageFile> top(GuestPath path) throws JcapException, InterruptedException {
        GuestPath folder = path.isRoot() ? path : path.parent();
        String name = path.isRoot() ? "." : path.fileName();
        List<Entry> listing = listFolders(List.of(folder)).get(folder);
        return listing.stream().filter(e -> e.name().equals(name)).findFirst().map(e -> e.toFile(path));
    }

    /** One {@code ls -p} per folder, all in one debugfs run. */
    private Map<GuestPath, List<Entry>> listFolders(List<GuestPath> folders) throws JcapException, InterruptedException {
        List<String> commands = new ArrayList<>();
        for (GuestPath folder : folders) {
            commands.add("ls -p " + quote(folder));
        }
        Map<String, List<String>> sections = run(commands);
        Map<GuestPath, List<Entry>> result = new LinkedHashMap<>();
        for (GuestPath folder : folders) {
            List<Entry> entries = new ArrayList<>();
            for (String line : sections.getOrDefault("ls -p " + quote(folder), List.of())) {
                // Unused directory slots (lost+found is made of them) show as inode 0 without a name.
                if (!line.isEmpty() && !line.startsWith("/0/")) {
                    entries.add(Entry.parse(line));
                }
            }
            result.put(folder, entries);
        }
        return result;
    }

    private List<ImageFile> withLinkTargets(List<ImageFile> files) throws JcapException, InterruptedException {
        List<String> commands = new ArrayList<>();
        for (ImageFile f : files) {
            if (f.type() == ImageFile.Type.SYMLINK) {
                commands.add("stat " + quote(f.path()));
            }
        }
        if (commands.isEmpty()) {
            return files;
        }
        Map<String, List<String>> sections = run(commands);
        List<ImageFile> result = new ArrayList<>();
        for (ImageFile f : files) {
            if (f.type() != ImageFile.Type.SYMLINK) {
                result.add(f);
                continue;
            }
            String target = fastLinkTarget(sections.getOrDefault("stat " + quote(f.path()), List.of()), f.size());
            if (target == null) {
                target = output(List.of(debugfs.toString(), "-R", "cat " + quote(f.path()), device));
            }
            result.add(new ImageFile(f.path(), f.type(), f.mode(), f.size(), Optional.of(target)));
        }
        return result;
    }

    /**
     * The target of a fast link (one held in its inode) from debugfs' {@code stat} lines, or null for
     * a link whose target is in a block ({@code cat} reads those). debugfs prints the target's
     * {@code size} bytes as they are, so a target holding a newline spans lines.
     */
    static String fastLinkTarget(List<String> statLines, long size) {
        for (int i = 0; i < statLines.size(); i++) {
            int at = statLines.get(i).indexOf(FAST_LINK);
            if (at < 0) {
                continue;
            }
            String rest = String.join("\n", statLines.subList(i, statLines.size())).substring(at + FAST_LINK.length());
            byte[] bytes = rest.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > size && bytes[(int) size] == '"') {
                return new String(bytes, 0, (int) size, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Runs the commands in one debugfs; the output lines of each, keyed by the command. */
    private Map<String, List<String>> run(List<String> commands) throws JcapException, InterruptedException {
        Path script = work.resolve("debugfs.cmd");
        try {
            Files.write(script, (String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JcapException("could not write " + script + ": " + e.getMessage(), e);
        }
        String out = output(List.of(debugfs.toString(), "-f", script.toString(), device));
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("debugfs: ")) {
                current = new ArrayList<>();
                sections.put(line.substring("debugfs: ".length()), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        return sections;
    }

    private String output(List<String> command) throws JcapException {
        HostTool.Result result = HostTool.run(command, TIMEOUT);
        if (result.exitCode() != 0) {
            throw new JcapException("debugfs failed (exit code " + result.exitCode() + "): "
                    + result.stderr().strip().replace('\n', ' '));
        }
        return result.stdout();
    }

    /** debugfs reads a double-quoted argument as one word; a path holding a quote cannot be named. */
    private static String quote(GuestPath path) throws JcapException {
        if (path.value().indexOf('"') >= 0) {
            throw new JcapException("cannot list " + path + ": debugfs cannot name a path holding a double quote");
        }
        return "\"" + path.value() + "\"";
    }

    /**
     * The byte offset of the root file system: the first Linux partition of a GPT disk (partition
     * 2 since guest protocol 4), or MBR partition 1 on the disks older jcap versions made.
     */
    static long rootPartitionOffset(Path raw) throws JcapException {
        try {
            if (PartitionScheme.of(raw) == PartitionScheme.GPT) {
                GptTable table = GptTable.read(raw);
                int number = table.firstOfType(GptPartition.LINUX_FILESYSTEM).orElseThrow(() -> new JcapException(raw
                        + " has no Linux partition in its GPT: it is not a jcap Linux image"));
                return table.partitions().get(number).firstLba() * GptDisk.SECTOR;
            }
            try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "r")) {
                byte[] entry = new byte[16];
                file.seek(0x1BE);
                file.readFully(entry);
                long lba = (entry[8] & 0xFFL) | (entry[9] & 0xFFL) << 8 | (entry[10] & 0xFFL) << 16
                        | (entry[11] & 0xFFL) << 24;
                if (entry[4] == 0 || lba == 0) {
                    throw new JcapException(raw + " has no partition 1: it is not a jcap Linux image");
                }
                return lba * 512;
            }
        } catch (IOException e) {
            throw new JcapException("cannot read the partition table of " + raw + ": " + e.getMessage(), e);
        }
    }

    private static Path findDebugfs() throws EnvironmentException {
        String pathVar = System.getenv("PATH");
        List<Path> candidates = new ArrayList<>();
        if (pathVar != null) {
            for (String dir : pathVar.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "debugfs"));
                }
            }
        }
        candidates.addAll(SBIN);
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new EnvironmentException(
                "listing the files of an ext4 image needs debugfs from e2fsprogs: apt-get install e2fsprogs"));
    }

    /** One line of {@code ls -p}: {@code /inode/mode/uid/gid/name/size/} (no size for a folder). */
    private record Entry(String name, int mode, long size) {
        static Entry parse(String line) throws JcapException {
            String[] parts = line.split("/");
            if (parts.length < 6 || !parts[0].isEmpty() || !parts[2].matches("[0-7]+")) {
                throw new JcapException("cannot read debugfs' listing line '" + line + "'");
            }
            long size = parts.length > 6 && !parts[6].isEmpty() ? Long.parseLong(parts[6]) : 0;
            return new Entry(parts[5], Integer.parseInt(parts[2], 8), size);
        }

        ImageFile toFile(GuestPath path) {
            ImageFile.Type type = switch (mode & 0170000) {
                case 0040000 -> ImageFile.Type.DIRECTORY;
                case 0120000 -> ImageFile.Type.SYMLINK;
                default -> ImageFile.Type.FILE;
            };
            return new ImageFile(path, type, mode & 07777, type == ImageFile.Type.DIRECTORY ? 0 : size,
                    type == ImageFile.Type.SYMLINK ? Optional.of("") : Optional.empty());
        }
    }
}
