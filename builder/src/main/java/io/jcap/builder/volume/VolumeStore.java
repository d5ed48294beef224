package io.jcap.builder.volume;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.instance.InstanceProcesses;
import io.jcap.host.Durable;
import io.jcap.host.HostTool;
import io.jcap.host.OwnerOnly;
import io.jcap.host.TempFiles;
import io.jcap.model.ByteSize;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import io.jcap.model.VolumeMount;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Named volumes: one sparse raw disk with an ext4 file system each, {@code volumes/NAME.img} under
 * the jcap home, made on first use ({@code jcap run --volume NAME:/folder}) or by {@code jcap volume
 * create}. A volume is made in a temporary folder and linked into place once its file system is
 * complete, so the store never holds half of one, and two jcaps making one name end up with one.
 *
 * <pre>{@code
 * VolumeStore store = new VolumeStore(home);
 * Path disk = store.disk(VolumeMount.parse("data:/data"), events).file();   // made when missing
 * }</pre>
 */
public final class VolumeStore {
    /** A volume made on first use. */
    public static final ByteSize DEFAULT_SIZE = ByteSize.ofMebibytes(1024);
    /** The smallest volume: mke2fs' journal and tables need room. */
    public static final ByteSize MIN_SIZE = ByteSize.ofMebibytes(8);
    private static final String SUFFIX = ".img";
    private static final Duration MKFS_BOUND = Duration.ofMinutes(5);

    private final JcapHome home;

    public VolumeStore(JcapHome home) {
        this.home = home;
    }

    /** A volume's disk for a run: its file and format. */
    public record Disk(Path file, boolean qcow2) {
    }

    /**
     * A named volume as listed: its name, file, size, whether a running guest has it, and who: the
     * detached instance ({@code web}) or QEMU's pid ({@code pid 4242}, a foreground run); empty when
     * jcap may not look into the guest's QEMU.
     */
    public record Volume(String name, Path file, long size, boolean inUse, List<String> users) {
        public Volume {
            users = List.copyOf(users);
        }
    }

    /**
     * The disk behind {@code mount}: a named volume (made with {@link #DEFAULT_SIZE} when missing),
     * or the file the source names, which must exist and, when raw, hold an ext2/3/4 file system.
     */
    public Disk disk(VolumeMount mount, EventSink events) throws JcapException {
        Disk disk;
        if (mount.named()) {
            Path file = file(mount.source());
            boolean made = !Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    && make(mount.source(), DEFAULT_SIZE, Optional.empty());
            if (made) {
                events.info("Created volume " + mount.source() + " (" + ByteSize.human(DEFAULT_SIZE.bytes())
                        + ", ext4): jcap volume ls lists it, jcap volume rm removes it");
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new JcapException("volume " + mount.source() + " is not a file in " + home.volumes() + " ("
                        + file + " is something else): remove it and run again");
            }
            ownerOnly(file);
            disk = new Disk(file, false);
        } else {
            disk = VolumeFiles.check(Path.of(mount.source()), mount.readOnly());
        }
        // QEMU would refuse it too ("Failed to get write lock"); this says which volume and what to do.
        if (VolumeFiles.inUse(disk.file())) {
            throw inUse(mount.source(), users(disk.file()));
        }
        return disk;
    }

    /** Who holds a volume's file: each QEMU with it open, by its instance's name when it is one. */
    private List<String> users(Path file) {
        return VolumeFiles.holders(file).stream().map(pid -> InstanceProcesses.nameOf(home.instances(), pid)
                .orElse("pid " + pid)).toList();
    }

    private static JcapException inUse(String volume, List<String> users) {
        List<String> instances = users.stream().filter(u -> !u.startsWith("pid ")).toList();
        String by = users.isEmpty() ? "a running guest: stop it first (jcap ps lists instances)"
                : instances.isEmpty() ? "a running guest that is no instance (QEMU " + String.join(", ", users)
                        + ", a foreground jcap run or another tool's): end it first"
                : "instance " + String.join(", ", users) + ": stop it first (jcap stop " + String.join(" ", instances)
                        + ")";
        return JcapException.usage("volume " + volume + " is in use by " + by + "; one guest at a time mounts a"
                + " volume");
    }

    /** Makes the named volume {@code name} of {@code size}; an existing one is an error. */
    public Path create(String name, ByteSize size) throws JcapException {
        return create(name, size, Optional.empty());
    }

    /**
     * Makes the named volume {@code name} of {@code size}, holding a copy of the host folder
     * {@code from} when given (its files, folders and links, with their owners when jcap runs as
     * root, modes and times: {@code mke2fs -d}); an existing volume is an error.
     */
    public Path create(String name, ByteSize size, Optional<Path> from) throws JcapException {
        if (from.isPresent() && !Files.isDirectory(from.get())) {
            throw JcapException.usage("--from " + from.get() + ": no such folder");
        }
        if (!make(name, size, from)) {
            throw JcapException.usage("volume " + name + " already exists (" + file(name) + "): remove it first with"
                    + " jcap volume rm " + name);
        }
        return file(name);
    }

    /**
     * Makes the named volume {@code name} of {@code size}; false when it exists, or another jcap made
     * it meanwhile (the volume is linked into place, never moved over one).
     */
    private boolean make(String name, ByteSize size, Optional<Path> from) throws JcapException {
        checkName(name);
        if (size.bytes() < MIN_SIZE.bytes()) {
            throw JcapException.usage("volume size " + ByteSize.human(size.bytes()) + " is too small: give at least "
                    + ByteSize.human(MIN_SIZE.bytes()));
        }
        Path file = file(name);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path work = home.newWorkDir("volume");
        try {
            // Owner-only, as the guest's data may be private (and libvirt's QEMU gets a link to it).
            Path disk = work.resolve(name + SUFFIX);
            OwnerOnly.createFile(disk);
            try (RandomAccessFile raf = new RandomAccessFile(disk.toFile(), "rw")) {
                raf.setLength(size.bytes());
            }
            List<String> command = new ArrayList<>(List.of(mke2fs(), "-q", "-F", "-t", "ext4", "-E", "root_owner=0:0"));
            from.ifPresent(folder -> command.addAll(List.of("-d", folder.toAbsolutePath().toString())));
            command.add(disk.toString());
            HostTool.Result made = HostTool.run(command, MKFS_BOUND);
            if (made.exitCode() != 0) {
                String error = made.lastErrorLine();
                throw new JcapException("mke2fs could not make volume " + name + "'s file system"
                        + from.map(f -> " with the files of " + f).orElse("") + ": " + error
                        + (error.contains("Could not allocate block") ? " (the files do not fit: give a larger --size)"
                        : ""));
            }
            Durable.syncFile(disk);
            Files.createDirectories(home.volumes());
            try {
                Files.createLink(file, disk);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            Durable.syncFolder(home.volumes());
            return true;
        } catch (IOException e) {
            throw new JcapException("cannot make volume " + name + " in " + home.volumes() + ": "
                    + FailureReason.withFile(e), e);
        } finally {
            TempFiles.delete(work);
        }
    }

    /** The named volumes, by name. */
    public List<Volume> list() throws JcapException {
        List<Volume> volumes = new ArrayList<>();
        if (!Files.isDirectory(home.volumes())) {
            return volumes;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(home.volumes(), "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - SUFFIX.length());
                if (VolumeMount.NAME.matcher(name).matches()) {
                    volume(name).ifPresent(volumes::add);
                }
            }
        } catch (IOException e) {
            throw new JcapException("cannot list the volumes in " + home.volumes() + ": " + FailureReason.withFile(e),
                    e);
        }
        volumes.sort((a, b) -> a.name().compareTo(b.name()));
        return volumes;
    }

    /** The named volume {@code name}, when there is one. */
    public Optional<Volume> find(String name) throws JcapException {
        checkName(name);
        try {
            return volume(name);
        } catch (IOException e) {
            throw new JcapException("cannot read volume " + name + ": " + FailureReason.withFile(e), e);
        }
    }

    /** Volume {@code name} (a valid name) as listed, when its file is there. */
    private Optional<Volume> volume(String name) throws IOException, JcapException {
        Path file = file(name);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        boolean inUse = VolumeFiles.inUse(file);
        return Optional.of(new Volume(name, file, Files.size(file), inUse, inUse ? users(file) : List.of()));
    }

    /**
     * Removes the named volume {@code name}; refused while a guest uses it.
     *
     * @return how many other names its file still has: a stopped libvirt instance's domain folder
     *     links the volume it ran with until that instance is removed, and its bytes stay until then
     */
    public int remove(String name) throws JcapException {
        Volume volume = find(name).orElseThrow(() -> JcapException.usage("no volume " + name + " (jcap volume ls lists"
                + " them)"));
        if (volume.inUse()) {
            throw inUse(name, volume.users());
        }
        try {
            int links = (Integer) Files.getAttribute(volume.file(), "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            Files.delete(volume.file());
            return links - 1;
        } catch (IOException e) {
            throw new JcapException("cannot remove volume " + name + ": " + FailureReason.withFile(e), e);
        }
    }

    /** Makes a named volume of an older jcap (made with the umask's mode) owner-only, as new ones are. */
    private static void ownerOnly(Path file) throws JcapException {
        try {
            // Looked at first: a volume a detached libvirt domain holds is QEMU's user's for the
            // run, which only root may chmod; it is refused as in use, below, not here.
            if (!Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(OwnerOnly.FILE)) {
                OwnerOnly.restrict(file);
            }
        } catch (IOException e) {
            throw new JcapException("cannot make volume " + file + " readable by its owner only: "
                    + FailureReason.withFile(e), e);
        }
    }

    private Path file(String name) {
        return home.volumes().resolve(name + SUFFIX);
    }

    private static void checkName(String name) throws JcapException {
        if (name == null || !VolumeMount.NAME.matcher(name).matches()) {
            throw JcapException.usage("volume name '" + name + "' is not allowed: use letters, digits, '_', '.' and"
                    + " '-', starting with a letter or digit, at most 63");
        }
    }

    private static String mke2fs() throws JcapException {
        for (String candidate : List.of("mke2fs", "/sbin/mke2fs", "/usr/sbin/mke2fs")) {
            Optional<Path> found = HostTool.find(candidate);
            if (found.isPresent()) {
                return found.get().toString();
            }
        }
        throw new EnvironmentException("jcap makes a volume's file system with mke2fs, which is not"
                + " installed: install e2fsprogs (apt-get install e2fsprogs)");
    }
}
