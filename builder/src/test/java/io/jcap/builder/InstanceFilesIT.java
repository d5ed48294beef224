package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.Instance;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.OsvLoaders;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real detached instance (an OSv image whose loader prints and keeps running) started through
 * {@link Instances}: its folder, QEMU's QMP socket, pid file and log, the console log, the disk and
 * the record are their owner's alone; a link planted where an instance folder goes is refused.
 */
@Requires(Component.QEMU)
class InstanceFilesIT {
    @TempDir
    Path temp;
    private Instances instances;
    private Instance started;

    @AfterEach
    void removeInstance() throws Exception {
        if (started != null) {
            instances.remove(started.name(), true);
        }
    }

    private JcapHome homeWithImage() throws Exception {
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv",
                OsvLoaders.halting("OSv v0.0-synthetic", "Cmdline: /hello", "running"));
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("hello"), "hello");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /hello\nfiles:\n  /hello: hello\n");
        new ImageBuilder(home, EventSink.NONE).build(new BuildRequest(project, Optional.of("app"), Optional.empty(),
                false));
        return home;
    }

    private static RunRequest request(String name) {
        return RunRequest.of("app").withAccelerator(Optional.of(Accelerator.TCG)).withName(name);
    }

    @Test
    void detachedInstance_folderSocketsAndFiles_areOwnerOnly() throws Exception {
        TestMachine.qemu();
        JcapHome home = homeWithImage();
        instances = new Instances(home, EventSink.NONE);

        started = instances.start(request("web"));

        Path folder = home.instances().resolve("web");
        DetachedQemu.GuestFiles files = started.files();
        assertTrue(started.qemu().isRunning());
        assertEquals("rwx------", mode(home.instances()));
        assertEquals("rwx------", mode(folder));
        assertTrue(Files.getAttribute(files.qmpSocket(), "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer);
        assertEquals(0140000, (Integer) Files.getAttribute(files.qmpSocket(), "unix:mode", LinkOption.NOFOLLOW_LINKS)
                & 0170000, "the QMP path is a socket");
        // Every entry, sockets included: the QMP socket, console.log, qemu.pid, qemu.log, the overlay,
        // instance.json (console.sock is gone once QEMU connected to the keeper).
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path p : entries.toList()) {
                modes.put(p.getFileName().toString(), mode(p));
            }
        }
        assertEquals(List.of("console.log", "instance.json", "overlay.qcow2", "qemu.log", "qemu.pid", "qmp"),
                List.copyOf(modes.keySet()), modes.toString());
        for (Map.Entry<String, String> e : modes.entrySet()) {
            assertEquals("rw-------", e.getValue(), e.getKey());
        }
        // QMP answers through the owner-only socket: jcap stop works.
        assertFalse(instances.stop("web", Duration.ofSeconds(1)).status().running());
        assertEquals("rw-------", mode(folder.resolve("status")));
    }

    @Test
    void aLinkPlantedAtAnInstanceFolder_isRefused_andNothingIsWrittenThroughIt() throws Exception {
        TestMachine.qemu();
        JcapHome home = homeWithImage();
        instances = new Instances(home, EventSink.NONE);
        Path victim = Files.createDirectories(temp.resolve("victim"));
        Path link = Files.createSymbolicLink(Files.createDirectories(home.instances()).resolve("web"), victim);

        JcapException e = assertThrows(JcapException.class, () -> instances.start(request("web")));

        assertEquals("instance folder " + link + ": a symbolic link (to " + victim + ") is in its place; jcap does not"
                + " follow links there: remove the link", e.getMessage());
        try (Stream<Path> entries = Files.list(victim)) {
            assertEquals(List.of(), entries.toList());
        }
        assertTrue(Files.isSymbolicLink(link), "the link is left for its owner to look at");
        JcapException ps = assertThrows(JcapException.class, () -> instances.get("web"));
        assertEquals(e.getMessage(), ps.getMessage());
        assertEquals(e.getMessage(), assertThrows(JcapException.class, () -> instances.remove("web", false))
                .getMessage());

        // jcap rm -f removes the link, never what it points to.
        instances.remove("web", true);
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isDirectory(victim));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
