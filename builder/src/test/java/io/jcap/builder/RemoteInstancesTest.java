package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.instance.Instance;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.builder.instance.InstanceStore;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import io.jcap.testsupport.RecordedEvents;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances on a remote libvirt host that cannot be reached (libvirt's ssh client really run,
 * against a port nothing listens on): listed as running, and {@code jcap rm -f} forgets them here
 * rather than keeping them listed for as long as the host is gone.
 */
class RemoteInstancesTest {
    @TempDir
    Path temp;

    @Test
    void remove_ofAnInstanceWhoseHostCannotBeReached_isRefused_andForcedForgetsItHereSayingWhatMayBeLeft()
            throws Exception {
        JcapHome home = new JcapHome(temp.resolve("home"));
        InstanceStore store = Instances.store(home);
        store.create("far");
        Path folder = store.folder("far");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        LibvirtUri uri = LibvirtUri.parse("qemu+ssh://jcap@127.0.0.1:" + closed + "/system?no_tty=1");
        Path remoteFolder = Path.of("/var/tmp/jcap-libvirt-jcap/jcap-far-0a1b2c3d");
        store.write(new Instance("far", "hello", "linux", Instant.parse("2026-01-02T03:04:05Z"), Optional.empty(),
                List.of(PortForward.tcp(18080, 8080)), 256, 1, "tcg", new DetachedQemu.GuestFiles(folder.resolve("qmp"),
                        folder.resolve("console.log"), Path.of("/run/libvirt/qemu/jcap-far-0a1b2c3d.pid"),
                        folder.resolve("qemu.log")), remoteFolder.resolve("disk0.qcow2"), InstanceStatus.RUNNING,
                Optional.of(new Instance.Domain(uri, "jcap-far-0a1b2c3d", remoteFolder)), ExitLine.UNTAGGED));
        RecordedEvents events = new RecordedEvents();
        Instances instances = new Instances(home, events);

        assertEquals("running", instances.get("far").status().toString());
        JcapException running = assertThrows(JcapException.class, () -> instances.remove("far", false));
        assertEquals("instance 'far' is running: stop it first (jcap stop far) or remove it anyway with jcap rm -f far",
                running.getMessage());
        assertThrows(JcapException.class, () -> instances.stop("far", java.time.Duration.ZERO));
        // Nothing was stopped: no note that jcap ended it, which would name a later end of its own "stopped".
        assertFalse(Files.exists(folder.resolve(InstanceStore.STOPPED)));

        instances.remove("far", true);

        assertFalse(Files.exists(folder));
        String warning = String.join("\n", events.lines());
        assertTrue(warning.contains("cannot connect to libvirt at " + uri + ": "), warning);
        assertTrue(warning.endsWith("; instance 'far' is forgotten here, and domain jcap-far-0a1b2c3d and its folder "
                + remoteFolder + " may still be on that host"), warning);
        assertEquals(List.of(), instances.list());
    }
}
