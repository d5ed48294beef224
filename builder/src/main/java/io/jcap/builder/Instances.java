package io.jcap.builder;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.Instance;
import io.jcap.builder.instance.InstanceName;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.builder.instance.InstanceStore;
import io.jcap.builder.instance.PublishedPorts;
import io.jcap.host.Cleanup;
import io.jcap.host.FileTrees;
import io.jcap.host.FolderLock;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.DetachedDomain;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.libvirt.SshTarget;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Detached instances: guests that run on after the program that started them exits
 * ({@code jcap run -d}), and the commands on them: list, stop, remove, read the console.
 * Two instances never share a name or a host port: both are checked under a lock before
 * anything starts.
 *
 * <pre>{@code
 * Instances instances = new Instances(JcapHome.fromEnvironment(), events);
 * Instance web = instances.start(RunRequest.of("http-server").withName("web"));
 * instances.logs("web", false, false, OptionalInt.of(20), System.out::println);
 * instances.stop("web", Duration.ofSeconds(10));
 * instances.remove("web", false);
 * }</pre>
 */
public final class Instances {
    /** How long QEMU may take to set the machine up and daemonize. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a detached guest may take to power off once its console said the application
     * ended, as in a foreground run: the console keeper stops a guest stuck longer (a kernel
     * that locked up in its shutdown under TCG on a busy host).
     */
    static final Duration POWER_OFF_GRACE = Duration.ofSeconds(30);
    private static final int NAME_BASE_LENGTH = 36;

    private final EventSink events;
    private final JcapHome home;
    private final InstanceStore store;

    public Instances(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
        this.store = store(home);
    }

    /** The instances of {@code home}, each read as its kernel family says. */
    static InstanceStore store(JcapHome home) {
        return new InstanceStore(home.instances(), (family, end) -> KernelFamilies.named(family).instanceConsole(end));
    }

    /** Starts a detached instance and returns once QEMU runs it; nothing is left behind on failure. */
    public Instance start(RunRequest request) throws JcapException, InterruptedException {
        return start(request, false);
    }

    /** {@link #start(RunRequest)}; with {@code removeWhenEnded} (-d --rm) it goes once ended. */
    public Instance start(RunRequest request, boolean removeWhenEnded) throws JcapException, InterruptedException {
        if (!RunPlan.driverFor(home, request).canDetach()) {
            throw new EnvironmentException(DetachedDomain.NEEDS_SSH);
        }
        if (request.name().isPresent()) {
            // An ended --rm instance of that name is gone, as it would be had jcap looked at it since.
            store.read(request.name().get()).ifPresent(this::removedAsEnded);
        }
        // A taken name fails before the image and accelerator are looked at; the lock below decides.
        if (request.name().isPresent() && store.exists(request.name().get())) {
            throw nameTaken(request.name().get());
        }
        RunPlan plan = plan(request);
        KernelFamily family = KernelFamilies.forImage(plan.image().metadata());
        try (FolderLock lock = store.lock()) {
            String name = request.name().isPresent() ? request.name().get() : freeName(request.image());
            Path folder = store.folder(name);
            if (store.exists(name)) {
                throw nameTaken(name);
            }
            // jcap rmi takes this lock too: past it, the image stays until QEMU has it open.
            if (!Files.isRegularFile(plan.image().file())) {
                throw new JcapException("image '" + plan.image().metadata().name() + "' was removed while the instance"
                        + " was being prepared (jcap rmi): nothing was started");
            }
            PublishedPorts.check(plan.forwards(), store.list(events), request.libvirt().filter(u -> !u.isLocal())
                    .flatMap(LibvirtUri::sshTarget).map(SshTarget::host));
            createFolder(name);
            if (removeWhenEnded) {
                RemoveWhenEnded.mark(folder);
            }
            if (request.libvirt().isPresent()) {
                return DomainInstances.start(request.libvirt().get(), name, plan, family, store, events);
            }
            HostProcess process = null;
            DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(folder);
            // Until the record is written, a Ctrl-C stops the guest and its console keeper: this is
            // registered after the folder, so the hook runs it before it deletes the folder.
            Cleanup.Registration unrecorded = Cleanup.register("stop the guest of instance " + name
                    + " (not recorded yet)", () -> DetachedQemu.abandon(files));
            try {
                VmSpec spec = plan.materialize(folder);
                DetachedQemu.Started started;
                try {
                    started = DetachedQemu.start(QemuInstallation.detect(home.cache()), spec, files,
                            START_TIMEOUT, DetachedQemu.consoleLogLimit(), family.instanceConsole(plan.exitLine()).applicationEndLine()
                                    .map(line -> new GuestEndWatch(line, POWER_OFF_GRACE)));
                } catch (VmException e) {
                    throw PublishedPorts.takenAtStart(e, plan.forwards()).orElse(e);
                }
                process = started.process();
                Instance instance = new Instance(name, plan.image().metadata().name(), family.name(), Instant.now(), process,
                        started.forwards(), plan.memoryMiB(), plan.cpus(), plan.accelerator().qemuName(), files,
                        spec.drives().get(0).file(), InstanceStatus.RUNNING, plan.exitLine());
                record(store, instance, unrecorded);
                events.info("Started instance " + name + " of " + instance.image() + " (" + plan.description() + ")"
                        + (instance.ports().isEmpty() ? "" : ": " + String.join(", ", instance.portDescriptions())));
                return instance;
            } catch (JcapException | RuntimeException e) {
                if (process != null) {
                    process.signal(true);
                    DetachedQemu.awaitConsoleKeeper(DetachedQemu.GuestFiles.in(folder).consoleLog(), KEEPER_DRAIN,
                            true);
                }
                TempFiles.delete(folder);
                throw e;
            } finally {
                unrecorded.close();
            }
        }
    }

    /**
     * Writes an instance's record and keeps its folder, as one step for jcap's shutdown hook: a
     * Ctrl-C before it stops what was started ({@code unrecorded}) and deletes the folder, one
     * during it waits for the record, and one after it leaves an instance that {@code jcap ps}
     * lists and {@code jcap rm -f} removes.
     */
    static void record(InstanceStore store, Instance instance, Cleanup.Registration unrecorded) throws JcapException {
        Cleanup.making(() -> {
            store.write(instance);
            TempFiles.forget(store.folder(instance.name()));
            unrecorded.close();
            return null;
        });
    }

    /** What a detached instance of the request boots, as the image's kernel family plans it. */
    RunPlan plan(RunRequest request) throws JcapException {
        return KernelFamilies.plan(home, events, request);
    }

    /** Every instance, sorted by name, with its status as of now; an ended one started with --rm is removed. */
    public List<Instance> list() throws JcapException {
        return store.list(events).stream().filter(i -> !removedAsEnded(i)).toList();
    }

    /** Removes {@code instance} if it ended and was started with --rm: true when it is gone. */
    private boolean removedAsEnded(Instance instance) {
        return RemoveWhenEnded.removedAsEnded(instance, store.folder(instance.name()), name -> remove(name, false),
                events);
    }

    /**
     * Removes stored image {@code image} with {@code removal} while no instance starts (a start
     * holds the instances' lock until its QEMU has the image open and its record is written), so
     * that an instance being started counts as one that uses it. Refused, unless {@code force},
     * while a running instance uses the image; false when {@code removal} found no such image.
     */
    public boolean removeImage(String image, boolean force, ImageRemoval removal) throws JcapException {
        try (FolderLock lock = store.lock()) {
            List<String> users = runningOf(image);
            if (!force && !users.isEmpty()) {
                throw new JcapException("image '" + image + "' is used by running instance" + (users.size() == 1 ? " " : "s ")
                        + String.join(", ", users) + ": stop " + (users.size() == 1 ? "it" : "them") + " first (jcap stop "
                        + String.join(" ", users) + "), or remove the image anyway with jcap rmi -f");
            }
            return removal.remove(image);
        }
    }

    /** Removes a stored image by name: false when there is none ({@code ImageRepository::remove}). */
    @FunctionalInterface
    public interface ImageRemoval {
        boolean remove(String image) throws JcapException;
    }

    /** The names of the running instances of {@code image}, sorted. */
    public List<String> runningOf(String image) throws JcapException {
        // The store's list, not list(): this runs under the instances' lock, which a removal takes.
        return store.list(events).stream().filter(i -> i.image().equals(image) && i.status().running())
                .map(Instance::name).toList();
    }

    public Instance get(String name) throws JcapException {
        Optional<Instance> instance = store.read(name);
        if (instance.isEmpty() || removedAsEnded(instance.get())) {
            throw noSuchInstance(name);
        }
        return instance.get();
    }

    /**
     * Stops a running instance: the power button, up to {@code timeout} for the application to
     * end, then QEMU is made to quit. An instance that is not running is returned as it is.
     */
    public Instance stop(String name, Duration timeout) throws JcapException, InterruptedException {
        Instance instance = get(name);
        if (!instance.status().running()) {
            return instance;
        }
        if (instance.domain().isPresent()) {
            Duration left = InstanceLogs.awaitApplicationStart(store, instance, timeout);
            // Noted once libvirt was reached and found it running: a host that cannot be reached stops nothing.
            DetachedDomain.stop(instance.domain().get().uri(), instance.domain().get().name(), left,
                    () -> store.markStopped(name));
            return stopped(name);
        }
        // Noted first: a `jcap ps` while QEMU goes down must already read the ending as stopped.
        store.markStopped(name);
        Duration left = InstanceLogs.awaitApplicationStart(store, instance, timeout);
        DetachedQemu.Ending ending = DetachedQemu.stop(instance.qemu(), instance.files().qmpSocket(), left, events);
        if (ending == DetachedQemu.Ending.KILLED && instance.qemu().isRunning()) {
            throw new JcapException("instance '" + name + "' (QEMU pid " + instance.qemu().pid()
                    + ") did not end even when killed");
        }
        // Stopped means its console log is whole too: the keeper writes the last lines after QEMU ends.
        DetachedQemu.awaitConsoleKeeper(instance.files().consoleLog(), KEEPER_DRAIN, false);
        return stopped(name);
    }

    /** The instance as it ended, removed if it was started with --rm. */
    private Instance stopped(String name) throws JcapException {
        Optional<Instance> ended = store.read(name);
        if (ended.isEmpty()) {
            throw noSuchInstance(name);
        }
        removedAsEnded(ended.get());
        return ended.get();
    }

    /** Removes an instance's folder; a running instance only with {@code force}, which stops it at once. */
    public void remove(String name, boolean force) throws JcapException, InterruptedException {
        try (FolderLock lock = store.lock()) {
            Path folder = store.folder(name);
            if (!InstanceName.isValid(name) || !Files.isDirectory(folder)) {
                throw noSuchInstance(name);
            }
            Optional<Instance> instance;
            try {
                instance = store.read(name);
            } catch (JcapException damaged) {
                // Without a record, what may still run is looked for below; an unreadable one needs -f.
                boolean noRecord = !Files.isSymbolicLink(folder)
                        && !Files.exists(folder.resolve(InstanceStore.RECORD), LinkOption.NOFOLLOW_LINKS);
                if (!force && !noRecord) {
                    throw damaged;
                }
                instance = Optional.empty();
            }
            if (instance.isPresent() && instance.get().status().running()) {
                if (!force) {
                    throw new JcapException("instance '" + name + "' is running: stop it first (jcap stop " + name
                            + ") or remove it anyway with jcap rm -f " + name);
                }
                store.markStopped(name);
                if (instance.get().domain().isEmpty()) {
                    DetachedQemu.stop(instance.get().qemu(), instance.get().files().qmpSocket(), Duration.ZERO,
                            events);
                }
            }
            if (instance.isEmpty()) {
                // No record: a jcap run -d killed (SIGKILL) after QEMU started but before it recorded
                // the instance left QEMU and its console keeper running, which nothing else finds.
                DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(folder);
                if (DetachedQemu.hasProcesses(files)) {
                    if (!force) {
                        throw new JcapException("instance '" + name + "' has no record, but its QEMU runs (the jcap run -d"
                                + " that started it ended before it recorded the instance): stop and remove it with"
                                + " jcap rm -f " + name);
                    }
                    DetachedQemu.abandon(files);
                }
                Optional<DomainInstances.Intent> intent = DomainInstances.intent(folder);
                if (intent.isPresent() && DetachedDomain.exists(intent.get().uri(), intent.get().domain())) {
                    if (!force) {
                        throw new JcapException("instance '" + name + "' has no record, but its libvirt domain "
                                + intent.get().domain() + " exists (the jcap run -d that started it ended before it"
                                + " recorded the instance): remove it with jcap rm -f " + name);
                    }
                    DetachedDomain.remove(intent.get().uri(), intent.get().domain(),
                            DetachedDomain.folderOf(intent.get().uri(), intent.get().domain()));
                }
            }
            if (instance.isPresent() && instance.get().domain().isPresent()) {
                Instance.Domain d = instance.get().domain().get();
                // Destroyed if it still runs, undefined, its disk copy and console deleted.
                try {
                    DetachedDomain.remove(d.uri(), d.name(), d.folder());
                } catch (JcapException e) {
                    if (!force || !d.remote()) {
                        throw d.remote() ? new JcapException(e.getMessage() + "; jcap rm -f " + name + " forgets the"
                                + " instance here anyway", e) : e;
                    }
                    // A host gone for good must not keep its instances listed here forever.
                    events.warn(e.getMessage() + "; instance '" + name + "' is forgotten here, and domain " + d.name()
                            + " and its folder " + d.folder() + " may still be on that host");
                }
            }
            if (instance.isEmpty() || instance.get().domain().isEmpty()) {
                // The console keeper writes its last lines and done marker once QEMU ended: the
                // folder goes after it, or the keeper would write into it while it is deleted.
                DetachedQemu.awaitConsoleKeeper(DetachedQemu.GuestFiles.in(folder).consoleLog(), KEEPER_DRAIN, true);
            }
            FileTrees.deleteQuietly(folder);
            if (Files.exists(folder)) {
                throw new JcapException("could not remove " + folder + " completely: remove it by hand");
            }
        }
    }

    /** How long a follower waits, after the guest ended, for the console keeper to write its last lines. */
    static final Duration KEEPER_DRAIN = Duration.ofSeconds(10);

    /**
     * Passes an instance's console on, line by line: the application's output (as a foreground
     * run shows it), or with {@code wholeConsole} every line, boot messages included; with
     * {@code tail} only the last lines of what is there now. With {@code follow} it keeps passing
     * new lines until the instance ends.
     */
    public void logs(String name, boolean follow, boolean wholeConsole, java.util.OptionalInt tail,
            Consumer<String> lines) throws JcapException, InterruptedException {
        InstanceLogs.read(store, get(name), follow, wholeConsole, tail, lines, events);
    }

    private String freeName(String image) throws JcapException {
        String base = image.length() > NAME_BASE_LENGTH ? image.substring(0, NAME_BASE_LENGTH) : image;
        for (int n = 1; ; n++) {
            String candidate = base + "-" + n;
            // A link at a candidate's name counts as taken: it is never followed, nor replaced.
            if (!Files.exists(store.folder(candidate), LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }

    private void createFolder(String name) throws JcapException {
        // Registered once made: a folder that was not made is not jcap's to delete on the way out.
        // One step for the shutdown hook: a Ctrl-C between the two left the folder, without its record.
        Cleanup.making(() -> {
            store.create(name);
            return TempFiles.register(store.folder(name));
        });
    }

    private JcapException nameTaken(String name) {
        Optional<InstanceStatus> status;
        try {
            status = store.read(name).map(Instance::status);
        } catch (JcapException e) {
            status = Optional.empty();
        }
        boolean ended = status.isPresent() && !status.get().running();
        return new JcapException("an instance named '" + name + "' already exists (" + status.map(Object::toString)
                .orElse("damaged") + "): pick another --name or remove it (jcap rm " + (ended ? "" : "-f ") + name
                + ")");
    }

    private JcapException noSuchInstance(String name) throws JcapException {
        if (store.starting(name)) {
            return new JcapException("instance '" + name + "' is starting: its jcap run -d has not recorded it yet (if"
                    + " that jcap was killed, remove what it left with jcap rm -f " + name + ")");
        }
        List<String> names = store.names().stream().filter(n -> !store.starting(n)).toList();
        return new JcapException("no instance named '" + name + "' (" + (names.isEmpty()
                ? "there are none: start one with jcap run -d IMAGE" : "instances: " + String.join(", ", names)) + ")");
    }
}
