package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requirements;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap run --driver libvirt --volume}: the system libvirtd's QEMU, which runs as its own user
 * and cannot enter the jcap home, writes the volume's file itself (linked into the domain's folder),
 * run after run and across drivers; libvirt gives the file back to its owner after each run.
 */
@Requires(Component.LIBVIRT)
class LibvirtVolumesIT {
    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void build() throws Exception {
        Requirements.requireProgram("e2fsck", "e2fsprogs");
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.cProject(temp, "counter", VolumesIT.COUNTER, "");
        Files.setPosixFilePermissions(Files.createDirectories(project.resolve("ROOTFS/data")),
                PosixFilePermissions.fromString("rwxrwxrwx"));
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
    }

    @AfterAll
    static void noneLeft() throws Exception {
        if (jcap != null) {
            assertEquals(List.of(), InstancesIT.qemuProcessesOf(jcap.home));
        }
    }

    @Test
    void namedVolume_throughLibvirt_keepsWhatTheGuestWrote_andIsTheSameFileForTheQemuDriver() throws Exception {
        Path file = jcap.home.resolve("volumes/counts.img");
        String me = owner(temp);

        JcapProcess.Result first = jcap.run("run", "--driver", "libvirt", "--volume", "counts:/data", "counter");
        JcapProcess.Result second = jcap.run("run", "--driver", "libvirt", "--volume", "counts:/data", "counter");
        JcapProcess.Result readOnly = jcap.run("run", "--driver", "libvirt", "--volume", "counts:/data:ro", "counter");
        JcapProcess.Result qemu = jcap.run("run", "--volume", "counts:/data", "counter");

        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("mode 777\ncount 1\n", first.out(), first.toString());
        assertEquals("mode 777\ncount 2\n", second.out(), second.toString());
        assertEquals("mode 777\ncount 2 read-only\n", readOnly.out(), readOnly.toString());
        assertEquals("mode 777\ncount 3\n", qemu.out(), qemu.toString());
        assertEquals(me, owner(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(1, links(file), "a link in a domain's folder was left");
        assertEquals(0, host("e2fsck", "-fn", file.toString()), "the volume's file system is not clean");
    }

    /**
     * While a detached domain runs, its QEMU holds the volume through a second name in the domain's
     * folder, as QEMU's user; the volume is refused to others; after the stop it is its owner's again.
     */
    @Test
    void detachedDomain_holdsTheVolumeThroughALink_andGivesItBack() throws Exception {
        Path file = jcap.home.resolve("volumes/held.img");
        String me = owner(temp);
        assertEquals(0, jcap.run("run", "-d", "--driver", "libvirt", "--name", "holder", "--volume", "held:/data",
                "counter", "/counter", "wait").exitCode());
        try {
            Poll.until("holder counts", Duration.ofSeconds(120), () -> jcap.run("logs", "holder").out()
                    .contains("count 1") ? Optional.of(true) : Optional.empty());

            assertEquals(2, links(file));
            assertNotEquals(me, owner(file), "libvirt did not give the volume to QEMU's user");
            JcapProcess.Result remove = jcap.run("volume", "rm", "held");
            assertEquals(2, remove.exitCode(), remove.toString());
            assertTrue(remove.err().contains("volume held is in use by instance holder"), remove.toString());
            assertTrue(jcap.run("volume", "ls").out().matches("(?s).*\nheld +1\\.0 GiB +holder +.*"));

            assertEquals(0, jcap.run("stop", "holder").exitCode());
            assertEquals(me, owner(file));
        } finally {
            jcap.run("rm", "-f", "holder");
        }
        assertEquals(1, links(file));
        assertEquals(0, host("e2fsck", "-fn", file.toString()), "the volume's file system is not clean");
    }

    private static String owner(Path file) throws Exception {
        return Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
    }

    private static int links(Path file) throws Exception {
        return (int) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    }

    private static int host(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve("host.out")
                .toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        return p.exitValue();
    }
}
