package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OSv images through the libvirt driver, with the real bin/jcap and the system libvirtd: a domain
 * boots the image's disk through the BIOS (OSv's loader), in the foreground and detached. As in
 * {@link OsvCliIT} the loader is a boot sector that prints OSv's lines and powers off;
 * {@link OsvServerRealOsvIT} runs a real OSv the same way.
 */
@Requires(Component.LIBVIRT)
class OsvLibvirtIT {
    private static final String HELLO = "Hello from the application";
    /** Where the libvirt driver keeps the files of root's domains. */
    private static final Path DOMAIN_FOLDERS = Path.of("/var/tmp/jcap-libvirt-" + System.getProperty("user.name"));

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void homeWithImage() throws Exception {
        jcap = JcapProcess.withSyntheticOsvLoader(temp, "/app/hello", HELLO);
        Path project = Files.createDirectories(temp.resolve("osvapp"));
        Files.writeString(project.resolve("hello"), "not really a program\n");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /app/hello\nfiles:\n  /app/hello: hello\n");
        JcapProcess.Result built = jcap.run("build", project.toString());
        assertEquals(0, built.exitCode(), built.toString());
    }

    /**
     * With -e the disk's command line differs from the stored one: the domain boots a private copy
     * with the line written into it (an overlay's backing file would stay behind).
     */
    @Test
    void foreground_withAndWithoutRunSettings_printsTheApplicationsLine_andExits0() throws Exception {
        JcapProcess.Result plain = jcap.run("run", "--driver", "libvirt", "osvapp");
        JcapProcess.Result settings = jcap.run("run", "--driver", "libvirt", "-e", "WHO=libvirt", "osvapp");

        for (JcapProcess.Result r : java.util.List.of(plain, settings)) {
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(HELLO + "\n", r.out(), r.toString());
            assertTrue(r.err().contains("Booting osvapp (OSv, tcg, disk boot, libvirt at qemu:///system)"), r.toString());
        }
    }

    @Test
    void foreground_bootDirect_isRefused_libvirtBootsTheDisk() throws Exception {
        JcapProcess.Result r = jcap.run("run", "--driver", "libvirt", "--boot", "direct", "osvapp");

        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("--boot direct needs --driver qemu: libvirt domains boot the image's disk\n"),
                r.toString());
    }

    @Test
    void detached_isADomain_listedLoggedAndRemoved() throws Exception {
        JcapProcess.Result run = jcap.run("run", "-d", "--driver", "libvirt", "--name", "osv-lv", "-e", "WHO=lv",
                "osvapp");
        assertEquals(0, run.exitCode(), run.toString());
        try {
            // The run's own copy was made from an overlay, which is not kept: its backing file is the stored image.
            assertFalse(Files.exists(jcap.home.resolve("instances/osv-lv/overlay.qcow2")));
            JsonNode ended = Poll.until("the guest to power off", Duration.ofSeconds(120), () -> {
                JsonNode i = ps().get(0);
                return i.get("running").asBoolean() ? Optional.empty() : Optional.of(i);
            });
            assertEquals("exited (0)", ended.get("status").asText(), ended.toString());
            String domain = ended.get("libvirt").get("domain").asText();
            assertTrue(Files.isRegularFile(DOMAIN_FOLDERS.resolve(domain).resolve("console.log")));
            assertEquals(HELLO + "\n", jcap.run("logs", "osv-lv").out());
        } finally {
            JcapProcess.Result rm = jcap.run("rm", "-f", "osv-lv");
            assertEquals(0, rm.exitCode(), rm.toString());
        }
        assertEquals(0, ps().size());
        assertFalse(Files.exists(jcap.home.resolve("instances/osv-lv")));
    }

    private static JsonNode ps() throws Exception {
        JcapProcess.Result ps = jcap.run("ps", "--json");
        assertEquals(0, ps.exitCode(), ps.toString());
        return new ObjectMapper().readTree(ps.out());
    }
}
