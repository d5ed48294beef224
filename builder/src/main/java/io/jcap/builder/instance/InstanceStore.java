package io.jcap.builder.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.formats.json.JsonTrees;
import io.jcap.host.Durable;
import io.jcap.host.FolderLock;
import io.jcap.host.OwnerOnly;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.DetachedDomain;
import io.jcap.hypervisor.libvirt.DomainEnding;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.hypervisor.qemu.QemuEnding;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The instance folders under {@code <jcap home>/instances}: each {@code instance.json} written
 * atomically, a lock for changes (start, remove), and an instance's status worked out from its
 * process, its console log and the files jcap leaves when it ends one.
 */
public final class InstanceStore {
    public static final String RECORD = "instance.json";
    /** The file in an instance's folder that {@code jcap stop} leaves when it ends the guest itself. */
    public static final String STOPPED = "stopped";
    /**
     * How long a folder without its record counts as an instance being started (its start holds
     * the store's lock and writes the record once QEMU runs) rather than a damaged one.
     */
    static final java.time.Duration STARTING = java.time.Duration.ofMinutes(2);
    /** How an ended instance ended, written the first time it is found ended. */
    static final String STATUS = "status";
    /** How long working out an ended instance's status waits for its console keeper to finish. */
    private static final java.time.Duration KEEPER_DRAIN = java.time.Duration.ofSeconds(5);

    /** The family of instances recorded before instances recorded it: only Linux images ran detached. */
    static final String FAMILY_BEFORE_RECORDED = "linux";

    private final Path dir;
    private final BiFunction<String, ExitLine, InstanceConsole> consoles;
    /** Made when an instance is written only: reads (every run lists the instances) use {@link JsonTrees}. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    /**
     * @param consoles how the console of an instance of each kernel family reads, by family name and
     *     the instance's end line
     */
    public InstanceStore(Path dir, BiFunction<String, ExitLine, InstanceConsole> consoles) {
        this.dir = dir;
        this.consoles = consoles;
    }

    /** How the console of {@code instance} reads. */
    public InstanceConsole console(Instance instance) {
        return consoles.apply(instance.family(), instance.exitLine());
    }

    public Path folder(String name) {
        return dir.resolve(name);
    }

    /**
     * Whether something is at instance {@code name}'s folder; a symbolic link there is refused,
     * not followed: a link would make jcap read and write another folder as the instance's.
     */
    public boolean exists(String name) throws JcapException {
        Path folder = folder(name);
        refuseLink(folder);
        return Files.exists(folder, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Makes instance {@code name}'s new folder, owner-only ({@code 0700}): QEMU's QMP socket, the
     * console and its log, the disk and the run's settings are in it, out of other users' reach.
     * Anything already there, a link included, is refused.
     */
    public Path create(String name) throws JcapException {
        Path folder = folder(name);
        try {
            createStore();
            return OwnerOnly.createFolder(folder);
        } catch (FileSystemException e) {
            throw new JcapException("cannot create the instance folder " + folder + ": "
                    + (e.getReason() != null ? e.getReason() : "something is already there"), e);
        } catch (IOException e) {
            throw new JcapException("cannot create the instance folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private void createStore() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OwnerOnly.FOLDER));
        }
    }

    private static void refuseLink(Path folder) throws JcapException {
        try {
            OwnerOnly.refuseLink(folder);
        } catch (IOException e) {
            throw new JcapException("instance folder " + e.getMessage(), e);
        }
    }

    /** The lock held while instances are created or removed, so names and ports are checked once. */
    public FolderLock lock() throws JcapException {
        try {
            createStore();
            return FolderLock.acquire(dir, true);
        } catch (IOException e) {
            throw new JcapException("cannot lock " + dir + ": " + io.jcap.model.FailureReason.withFile(e), e);
        }
    }

    /** The names of the instance folders, sorted. */
    public List<String> names() throws JcapException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && InstanceName.isValid(name)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new JcapException("cannot list instances in " + dir + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Every readable instance, sorted by name; a damaged one is reported and left out. Each libvirt
     * host is asked once which of its domains run ({@link DomainStates}).
     */
    public List<Instance> list(EventSink events) throws JcapException {
        List<Instance> result = new ArrayList<>();
        DomainStates domains = new DomainStates();
        for (String name : names()) {
            try {
                read(name, domains).ifPresent(result::add);
            } catch (JcapException e) {
                events.warn(e.getMessage());
            }
        }
        return result;
    }

    /** The instance, its status as of now; empty when there is no folder of that name. */
    public Optional<Instance> read(String name) throws JcapException {
        return read(name, null);
    }

    /** {@link #read(String)}, a libvirt domain's state taken from {@code domains} when given. */
    private Optional<Instance> read(String name, DomainStates domains) throws JcapException {
        Path folder = folder(name);
        if (!InstanceName.isValid(name)) {
            return Optional.empty();
        }
        refuseLink(folder);
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        if (starting(folder)) {
            return Optional.empty();
        }
        if (!Files.exists(folder.resolve(RECORD), LinkOption.NOFOLLOW_LINKS)) {
            throw new JcapException("instance '" + name + "' has no record (" + folder.resolve(RECORD) + " is missing: the"
                    + " jcap run -d that started it ended before it recorded the instance): remove it with jcap rm -f "
                    + name);
        }
        Instance instance;
        try {
            instance = fromJson(JsonTrees.read(folder.resolve(RECORD)));
        } catch (IOException | RuntimeException e) {
            throw new JcapException("instance '" + name + "' is damaged (" + folder.resolve(RECORD) + ": "
                    + JsonTrees.reason(e) + "): remove it with jcap rm -f " + name, e);
        }
        return Optional.of(instance.withStatus(status(folder, instance, domains)));
    }

    /** Whether the folder of {@code name} is an instance whose start is under way (no record yet). */
    public boolean starting(String name) {
        return InstanceName.isValid(name) && Files.isDirectory(folder(name), LinkOption.NOFOLLOW_LINKS)
                && starting(folder(name));
    }

    /** A folder without a record, made within {@link #STARTING}: an instance whose start is under way. */
    private static boolean starting(Path folder) {
        if (Files.exists(folder.resolve(RECORD), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).toInstant()
                    .isAfter(Instant.now().minus(STARTING));
        } catch (IOException e) {
            return false;
        }
    }

    public void write(Instance instance) throws JcapException {
        Path folder = folder(instance.name());
        Path temp = folder.resolve(RECORD + ".tmp");
        try {
            writeOwnerOnly(temp, Mapper.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(instance)));
            Durable.syncFile(temp);
            Files.move(temp, folder.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new JcapException("cannot record instance '" + instance.name() + "' in " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    /** Notes that jcap ended the instance's QEMU itself, for a status of {@code exited (stopped)}. */
    public void markStopped(String name) {
        try {
            OwnerOnly.write(folder(name).resolve(STOPPED), "jcap stop ended QEMU\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Noted already; or without the note the instance reads as killed, which is also true.
        }
    }

    /**
     * Whether the instance's guest runs: its QEMU process, or for a libvirt domain what libvirt
     * says (a local daemon that does not answer leaves the question to the QEMU process it
     * started; a remote host that does not answer is not known to have ended, so it counts as running).
     */
    public boolean running(Instance instance) {
        return running(instance, null);
    }

    private boolean running(Instance instance, DomainStates domains) {
        if (instance.domain().isPresent()) {
            Instance.Domain d = instance.domain().get();
            Optional<Boolean> known;
            if (domains != null) {
                known = domains.running(d.uri(), d.name());
            } else {
                try {
                    known = Optional.of(DetachedDomain.isRunning(d.uri(), d.name()));
                } catch (JcapException e) {
                    known = Optional.empty();
                }
            }
            return known.orElseGet(() -> instance.process().map(HostProcess::isRunning).orElse(true));
        }
        return instance.qemu().isRunning();
    }

    private InstanceStatus status(Path folder, Instance instance, DomainStates domains) {
        if (running(instance, domains)) {
            return InstanceStatus.RUNNING;
        }
        Path file = folder.resolve(STATUS);
        try {
            if (Files.isRegularFile(file)) {
                return InstanceStatus.fromRecord(Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException | IllegalArgumentException e) {
            // Worked out again below.
        }
        // A remote domain's console is worked out from this machine's copy, made whole first.
        boolean whole;
        try (RemoteConsoleCopies copies = new RemoteConsoleCopies(instance)) {
            whole = copies.copyWithQemuLog();
        }
        InstanceStatus status = console(instance).ended(instance.files().consoleLog(),
                Files.exists(folder.resolve(STOPPED)), ending(instance));
        if (!whole) {
            // Worked out from what was copied before; kept once the whole console could be read.
            return status;
        }
        try {
            Path temp = folder.resolve(STATUS + ".tmp");
            writeOwnerOnly(temp, (status.toRecord() + "\n").getBytes(StandardCharsets.UTF_8));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // The status is worked out from the log again next time (the folder may be being removed).
        }
        return status;
    }

    /**
     * How the instance's QEMU ended, as its console keeper recorded it. A keeper still writing the
     * console's last lines gets {@link #KEEPER_DRAIN} to finish first (the status is kept once
     * worked out, so it must not be worked out from half a log). A libvirt domain's QEMU has no
     * keeper of jcap's: libvirt's own line in the domain's QEMU log says how it ended. Empty when
     * nothing was recorded.
     */
    private static Optional<QemuEnding> ending(Instance instance) {
        if (instance.domain().isPresent()) {
            return DomainEnding.of(instance.files().qemuLog());
        }
        try {
            DetachedQemu.awaitConsoleKeeper(instance.files().consoleLog(), KEEPER_DRAIN, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return QemuEnding.read(instance.files());
    }

    /** Writes {@code file} anew, owner-only; what a crash left there is replaced, a link never followed. */
    private static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        OwnerOnly.write(file, bytes);
    }

    private ObjectNode toJson(Instance i) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", i.name());
        node.put("image", i.image());
        node.put("family", i.family());
        node.put("created", i.created().toString());
        i.process().ifPresent(p -> node.put("pid", p.pid()).put("pidStartTicks", p.startTicks()));
        ArrayNode ports = node.putArray("ports");
        for (PortForward f : i.ports()) {
            ports.addObject().put("address", f.hostAddress()).put("host", f.hostPort()).put("guest", f.guestPort())
                    .put("protocol", f.protocol().lowerCase());
        }
        node.put("memoryMiB", i.memoryMiB());
        node.put("cpus", i.cpus());
        node.put("accelerator", i.accelerator());
        node.put("qmpSocket", i.files().qmpSocket().toString());
        node.put("consoleLog", i.files().consoleLog().toString());
        node.put("qemuPidFile", i.files().pidFile().toString());
        node.put("qemuLog", i.files().qemuLog().toString());
        node.put("overlay", i.overlay().toString());
        i.exitLine().tag().ifPresent(tag -> node.put("exitTag", tag));
        i.domain().ifPresent(d -> node.putObject("libvirt").put("uri", d.uri().toString()).put("domain", d.name())
                .put("folder", d.folder().toString()));
        return node;
    }

    private static Instance fromJson(JsonNode n) {
        List<PortForward> ports = new ArrayList<>();
        for (JsonNode p : n.path("ports")) {
            ports.add(new PortForward(p.get("address").asText(), p.get("host").asInt(), p.get("guest").asInt(),
                    PortForward.Protocol.valueOf(p.get("protocol").asText().toUpperCase(Locale.ROOT))));
        }
        DetachedQemu.GuestFiles files = new DetachedQemu.GuestFiles(path(n, "qmpSocket"), path(n, "consoleLog"),
                path(n, "qemuPidFile"), path(n, "qemuLog"));
        return new Instance(n.get("name").asText(), n.get("image").asText(),
                n.path("family").asText(FAMILY_BEFORE_RECORDED), Instant.parse(n.get("created").asText()),
                n.has("pid") ? Optional.of(new HostProcess(n.get("pid").asLong(), n.get("pidStartTicks").asLong()))
                        : Optional.empty(), ports,
                n.get("memoryMiB").asInt(), n.get("cpus").asInt(), n.path("accelerator").asText(), files,
                path(n, "overlay"), InstanceStatus.RUNNING, domain(n.get("libvirt")), exitLine(n.get("exitTag")));
    }

    /** An instance recorded without a tag is one of an older init, or recorded by an older jcap. */
    private static ExitLine exitLine(JsonNode tag) {
        return tag == null ? ExitLine.UNTAGGED : new ExitLine(Optional.of(tag.asText()));
    }

    private static Optional<Instance.Domain> domain(JsonNode libvirt) {
        if (libvirt == null) {
            return Optional.empty();
        }
        return Optional.of(new Instance.Domain(LibvirtUri.parse(libvirt.get("uri").asText()),
                libvirt.get("domain").asText(), path(libvirt, "folder")));
    }

    private static Path path(JsonNode n, String field) {
        JsonNode value = n.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("no " + field);
        }
        return Path.of(value.asText());
    }
}
