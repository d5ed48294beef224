package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.family.linux.LinuxFamily;
import io.jcap.host.FolderLock;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.streamer.ExitLine;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.ThreadWaits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceStoreTest {
    @TempDir
    Path dir;

    /** Instances of Linux images: their console carries the init's JCAP-START and JCAP-EXIT lines. */
    private static final BiFunction<String, ExitLine, InstanceConsole> LINUX = (family, end) -> new LinuxFamily()
            .instanceConsole(end);
    private static final HostProcess THIS_JVM = HostProcess.of(ProcessHandle.current().pid()).orElseThrow();

    private Instance save(InstanceStore store, String name, HostProcess process) throws Exception {
        return save(store, name, process, ExitLine.UNTAGGED);
    }

    private Instance save(InstanceStore store, String name, HostProcess process, ExitLine end) throws Exception {
        Path folder = Files.createDirectories(store.folder(name));
        Instance instance = new Instance(name, "http-server", "linux", Instant.parse("2026-01-02T03:04:05Z"),
                process, List.of(PortForward.tcp(18080, 8080),
                        new PortForward("0.0.0.0", 5353, 53, PortForward.Protocol.UDP)), 256, 2, "tcg", DetachedQemu.GuestFiles.in(folder), folder.resolve("overlay.qcow2"),
                InstanceStatus.RUNNING, end);
        store.write(instance);
        return instance;
    }

    @Test
    void create_makesAnOwnerOnlyFolder_inAnOwnerOnlyStore() throws Exception {
        InstanceStore store = new InstanceStore(dir.resolve("instances"), LINUX);

        Path folder = store.create("web");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("instances"))));
    }

    @Test
    void aLinkInPlaceOfAnInstanceFolder_isRefusedEverywhere_andNothingIsWrittenThroughIt() throws Exception {
        InstanceStore store = new InstanceStore(dir.resolve("instances"), LINUX);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(store.create("placeholder").resolveSibling("web"), elsewhere);
        String refused = "instance folder " + link + ": a symbolic link (to " + elsewhere + ") is in its place; jcap"
                + " does not follow links there: remove the link";

        assertEquals(refused, assertThrows(JcapException.class, () -> store.exists("web")).getMessage());
        assertEquals("cannot create the instance folder " + link + ": a symbolic link (to " + elsewhere + ") is in"
                + " its place; jcap does not follow links there: remove the link",
                assertThrows(JcapException.class, () -> store.create("web")).getMessage());
        assertEquals(refused, assertThrows(JcapException.class, () -> store.read("web")).getMessage());
        // A dangling link is refused alike: mkdir would not follow it, and neither does jcap.
        Files.delete(elsewhere);
        assertEquals(refused, assertThrows(JcapException.class, () -> store.create("web")).getMessage()
                .replace("cannot create the instance folder " + link + ": ", "instance folder " + link + ": "));
        assertFalse(Files.exists(elsewhere), "nothing was made through the link");
    }

    @Test
    void list_reportsALinkedInstanceAndListsTheRest() throws Exception {
        InstanceStore store = new InstanceStore(dir.resolve("instances"), LINUX);
        save(store, "web", THIS_JVM);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.copy(store.folder("web").resolve(InstanceStore.RECORD), elsewhere.resolve(InstanceStore.RECORD));
        Files.createSymbolicLink(store.folder("web2"), elsewhere);
        RecordedEvents events = new RecordedEvents();

        assertEquals(List.of("web"), store.list(events).stream().map(Instance::name).toList());

        assertEquals(List.of("WARN instance folder " + store.folder("web2") + ": a symbolic link (to " + elsewhere + ") is in"
                + " its place; jcap does not follow links there: remove the link"), events.lines());
        assertEquals(List.of(InstanceStore.RECORD), fileNames(elsewhere));
    }

    private static List<String> fileNames(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void write_thenRead_givesTheSameInstance() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        Instance saved = save(store, "web", THIS_JVM);

        assertEquals(Optional.of(saved), store.read("web"));
        assertEquals(List.of("web"), store.names());
    }

    /**
     * An instance on a remote libvirt host has no QEMU process here: its record has no pid, and
     * while the host cannot be reached it is not known to have ended, so it reads as running and
     * no status is kept (libvirt's ssh client is really run, against a port nothing listens on).
     */
    @Test
    void remoteDomain_recordHasNoPid_andAnUnreachableHostReadsAsRunning_keepingNoStatus() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        Path folder = Files.createDirectories(store.folder("far"));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        LibvirtUri uri = LibvirtUri.parse("qemu+ssh://jcap@127.0.0.1:" + closed + "/system?no_tty=1");
        Instance saved = new Instance("far", "hello", "linux", Instant.parse("2026-01-02T03:04:05Z"), Optional.empty(),
                List.of(PortForward.tcp(18080, 8080)), 256, 1, "tcg", new DetachedQemu.GuestFiles(folder.resolve("qmp"),
                        folder.resolve("console.log"), Path.of("/run/libvirt/qemu/jcap-far-0a1b2c3d.pid"),
                        folder.resolve("qemu.log")), Path.of("/var/tmp/jcap-libvirt-jcap/jcap-far-0a1b2c3d/disk0.qcow2"),
                InstanceStatus.RUNNING, Optional.of(new Instance.Domain(uri, "jcap-far-0a1b2c3d",
                        Path.of("/var/tmp/jcap-libvirt-jcap/jcap-far-0a1b2c3d"))), ExitLine.UNTAGGED);
        store.write(saved);
        Files.writeString(saved.files().consoleLog(), "JCAP-START\nJCAP-EXIT 0\n");

        Instance read = store.read("far").orElseThrow();

        assertFalse(Files.readString(folder.resolve(InstanceStore.RECORD)).contains("\"pid\""));
        assertEquals(saved, read);
        assertEquals(Optional.of("127.0.0.1"), read.remoteHost());
        assertFalse(Files.exists(folder.resolve(InstanceStore.STATUS)));
    }

    /** A folder moved aside while it is deleted (TempFiles) is no instance, and no instance may be named so. */
    @Test
    void names_leaveOutAFolderBeingDeleted_andCheckRefusesItsName() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        save(store, "web", THIS_JVM);
        Files.move(dir.resolve("web"), dir.resolve("web" + io.jcap.host.TempFiles.DELETING_SUFFIX));
        save(store, "db", THIS_JVM);

        assertEquals(List.of("db"), store.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InstanceName.check("web.jcap-deleting"));
        assertEquals("instance name 'web.jcap-deleting' is not allowed: names ending in .jcap-deleting are those of"
                + " instance folders being deleted", e.getMessage());
    }

    @Test
    void read_pidNowOfAnotherProcess_isNotRunning_andTheLogGivesTheStatus() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        // This JVM's pid with another start time: what a pid reused after QEMU ended looks like.
        Instance saved = save(store, "web", new HostProcess(THIS_JVM.pid(), THIS_JVM.startTicks() - 1));
        Files.writeString(saved.files().consoleLog(), "JCAP-START\nbye\nJCAP-EXIT 4\n");

        assertEquals("exited (4)", store.read("web").orElseThrow().status().toString());
        assertEquals("exited 4\n", Files.readString(store.folder("web").resolve(InstanceStore.STATUS)));
    }

    /** The run's tag is recorded with the instance, and only its end line gives the status. */
    @Test
    void read_taggedInstance_keepsItsTag_andItsLogsUntaggedEndLineIsTheApplications() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        ExitLine end = new ExitLine(Optional.of("a1b2c3d4e5f60718a1b2c3d4e5f60718"));
        Instance saved = save(store, "web", new HostProcess(THIS_JVM.pid(), THIS_JVM.startTicks() - 1), end);
        Instance forged = save(store, "api", new HostProcess(THIS_JVM.pid(), THIS_JVM.startTicks() - 1), end);
        Files.writeString(saved.files().consoleLog(), "JCAP-START\nJCAP-EXIT 9\nJCAP-EXIT 4 " + end.tag().get() + "\n");
        Files.writeString(forged.files().consoleLog(), "JCAP-START\nJCAP-EXIT 9\n");

        assertEquals(end, store.read("web").orElseThrow().exitLine());
        assertEquals("exited (4)", store.read("web").orElseThrow().status().toString());
        assertEquals("exited (killed)", store.read("api").orElseThrow().status().toString());
    }

    /** The keeper's record of QEMU's SHUTDOWN reason (DetachedQemuIT has the real one) tells a panic from a kill. */
    @Test
    void read_noMarkers_theKeepersRecordOfHowQemuEnded_decides() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        Instance panicked = save(store, "web", new HostProcess(THIS_JVM.pid(), THIS_JVM.startTicks() - 1));
        Instance killed = save(store, "api", new HostProcess(THIS_JVM.pid(), THIS_JVM.startTicks() - 1));
        for (Instance i : List.of(panicked, killed)) {
            Files.writeString(i.files().consoleLog(), "JCAP-START\nlistening\n");
        }
        Files.writeString(panicked.files().ending(), "guest-reset\n");
        Files.writeString(killed.files().ending(), "no-event\n");

        assertEquals("exited (error)", store.read("web").orElseThrow().status().toString());
        assertEquals("exited (killed)", store.read("api").orElseThrow().status().toString());
    }

    @Test
    void read_statusOnceWorkedOut_staysAsRecorded() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        Instance saved = save(store, "web", new HostProcess(THIS_JVM.pid(), THIS_JVM.startTicks() - 1));
        Files.writeString(saved.files().consoleLog(), "JCAP-START\n");
        assertEquals("exited (killed)", store.read("web").orElseThrow().status().toString());

        Files.writeString(saved.files().consoleLog(), "JCAP-EXIT 0\n");

        assertEquals("exited (killed)", store.read("web").orElseThrow().status().toString());
    }

    @Test
    void read_endedByJcapStop_isStopped() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        save(store, "web", new HostProcess(THIS_JVM.pid(), THIS_JVM.startTicks() - 1));
        store.markStopped("web");

        assertEquals("exited (stopped)", store.read("web").orElseThrow().status().toString());
    }

    @Test
    void read_runningProcess_isRunning() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        save(store, "web", THIS_JVM);

        assertTrue(store.read("web").orElseThrow().status().running());
    }

    @Test
    void read_damagedRecord_saysHowToRemoveIt_andListSkipsIt() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        Path folder = Files.createDirectories(store.folder("broken"));
        Files.writeString(folder.resolve(InstanceStore.RECORD), "{");
        save(store, "web", THIS_JVM);

        JcapException e = assertThrows(JcapException.class, () -> store.read("broken"));

        assertEquals("instance 'broken' is damaged (" + folder.resolve("instance.json") + ": Unexpected end-of-input: expected close"
                + " marker for Object at line 1, column 2): remove it with jcap rm -f broken", e.getMessage());
        assertEquals(List.of("web"), store.list(EventSink.NONE).stream().map(Instance::name).toList());
    }

    @Test
    void read_folderWithoutRecordYet_isAnInstanceStarting_notDamaged_untilItIsOld() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        Path folder = Files.createDirectories(store.folder("starting"));
        save(store, "web", THIS_JVM);
        List<String> warnings = new java.util.ArrayList<>();
        EventSink warned = new EventSink() {
            @Override
            public void log(Level level, String message) {
                warnings.add(message);
            }

            @Override
            public void progress(String task, long done, long total) {
            }
        };

        assertEquals(Optional.empty(), store.read("starting"));
        assertTrue(store.starting("starting"));
        assertEquals(false, store.starting("web"));
        assertEquals(List.of("web"), store.list(warned).stream().map(Instance::name).toList());
        assertEquals(List.of(), warnings);

        Files.setLastModifiedTime(folder, java.nio.file.attribute.FileTime.from(java.time.Instant.now()
                .minus(InstanceStore.STARTING).minusSeconds(1)));
        JcapException e = assertThrows(JcapException.class, () -> store.read("starting"));
        assertEquals("instance 'starting' has no record (" + folder.resolve("instance.json") + " is missing: the jcap run"
                + " -d that started it ended before it recorded the instance): remove it with jcap rm -f starting",
                e.getMessage());
        assertEquals(false, store.starting("starting"), "two minutes on, it is not starting any more");
    }

    @Test
    void read_noSuchFolder_isEmpty() throws Exception {
        assertEquals(Optional.empty(), new InstanceStore(dir, LINUX).read("nothing"));
        assertEquals(Optional.empty(), new InstanceStore(dir, LINUX).read("../etc"));
    }

    @Test
    void lock_takenByTwoThreads_isTakenInTurn_notRefusedOrDropped() throws Exception {
        InstanceStore store = new InstanceStore(dir, LINUX);
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread second = new Thread(() -> {
            try (FolderLock taken = store.lock()) {
                outcome.set(taken.isValid());
            } catch (JcapException | RuntimeException e) {
                outcome.set(e);
            }
        });
        try (FolderLock first = store.lock()) {
            second.start();
            // Before, the second thread's channel.lock() failed with OverlappingFileLockException.
            assertTrue(ThreadWaits.waitsForALock(second, java.time.Duration.ofSeconds(30)),
                    "the second thread waits while the first holds the lock: " + outcome.get());
            assertTrue(first.isValid());
        }
        second.join(30_000);
        assertEquals(true, outcome.get());
    }
}
