package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jcap.model.Sha256;
import io.jcap.testsupport.OsvLoaders;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OSv commands with the real bin/jcap: importing and pulling kernels, building a ROFS image,
 * listing its files and running it. OSv's own loader cannot be had here: the loader is a boot
 * sector that prints two lines and powers off, as OSv does when its application exits.
 */
class OsvCliIT {
    private static final byte[] LOADER = OsvLoaders.bootable("OSv v0.0-synthetic", "Cmdline: /app/hello", "Hello from the application");

    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static HttpServer server;

    @BeforeAll
    static void homeWithImage() throws Exception {
        JcapProcess.requireMachine();
        jcap = JcapProcess.empty(temp.resolve("home"));
        Path loader = Files.write(temp.resolve("osv-loader.qemu.x86_64"), LOADER);
        JcapProcess.Result imported = jcap.run("kernels", "import", loader.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        assertEquals("imported kernel osv (osv loader, unknown, SHA-256 " + Sha256.of(LOADER) + ")\n", imported.out());
        Path project = Files.createDirectories(temp.resolve("osvapp"));
        Files.writeString(project.resolve("hello"), "not really a program\n");
        Files.createDirectories(project.resolve("root/etc"));
        Files.writeString(project.resolve("root/etc/motd"), "welcome\n");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /app/hello\nrootfs: root\n"
                + "files:\n  /app/hello: hello\n");
        JcapProcess.Result built = jcap.run("build", project.toString());
        assertEquals(0, built.exitCode(), built.toString());
        assertTrue(built.out().startsWith("Built image osvapp: "), built.toString());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/osv-loader.qemu.x86_64", exchange -> {
            exchange.sendResponseHeaders(200, LOADER.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(LOADER);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void imagesLs_listsTheRofsImagesFiles() throws Exception {
        JcapProcess.Result ls = jcap.run("images", "ls", "osvapp");
        assertEquals(0, ls.exitCode(), ls.toString());
        assertEquals("""
                TYPE MODE         SIZE  PATH
                dir  0755            0  /
                dir  0755            0  /app
                file 0644           21  /app/hello
                dir  0755            0  /etc
                file 0644            8  /etc/motd
                """, ls.out(), ls.toString());
        JcapProcess.Result missing = jcap.run("images", "ls", "osvapp", "/nope");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertEquals("jcap: /nope is not in image 'osvapp'\n", missing.err());
    }

    @Test
    void run_passesTheConsoleOnAndExits0WhenTheVmPowersOff() throws Exception {
        JcapProcess.Result run = jcap.run("run", "osvapp", "--accel", "tcg");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Hello from the application\n"), run.toString());
    }

    /** Without --name an OSv file goes to its default name: a stored kernel there is kept unless --force. */
    @Test
    void kernelsImport_anOsvLoaderAgainWithoutName_keepsTheStoredOneUnlessForced() throws Exception {
        Path other = Files.write(temp.resolve("other-loader.qemu"), LOADER);

        JcapProcess.Result again = jcap.run("kernels", "import", other.toString());
        JcapProcess.Result forced = jcap.run("kernels", "import", other.toString(), "--force");

        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().startsWith("jcap: kernel 'osv' is already stored (jcap kernels lists it): import under"
                + " another --name, or replace it with --force\n"), again.toString());
        assertEquals(0, forced.exitCode(), forced.toString());
    }

    @Test
    void kernelsImport_fileThatIsNoKernel_isRefusedInOneLine() throws Exception {
        Path notes = Files.writeString(temp.resolve("notes.txt"), "notes\n".repeat(200));
        JcapProcess.Result r = jcap.run("kernels", "import", notes.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("jcap: " + notes + " is not a kernel jcap can import: it is not a Debian kernel package or a Linux"
                + " bzImage, and it is neither an OSv loader image nor an OSv ZFS builder kernel (it has neither an ELF"
                + " header nor the boot signature 55 AA at byte 510); import a linux-image .deb, a bzImage (vmlinuz),"
                + " OSv's loader.img (osv-loader.qemu) or zfs_builder.elf (osv-zfs-builder.elf)\n", r.err());
    }

    @Test
    void kernelsPullOsv_withoutSha256_isAUsageErrorNamingTheOption() throws Exception {
        JcapProcess.Result r = jcap.run("kernels", "pull", "osv", "--url", url());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("'jcap kernels pull osv' needs --sha256 HEX: the SHA-256 the file must have (OSv"
                + " publishes none; take it from a copy you built or checked)\n"), r.toString());
    }

    @Test
    void kernelsPullOsv_checksMatchesOrNothingIsStored() throws Exception {
        Sha256 wrong = Sha256.of("something else".getBytes(StandardCharsets.UTF_8));
        JcapProcess.Result bad = jcap.run("kernels", "pull", "osv", "--url", url(), "--sha256", wrong.hex(),
                "--name", "pulled");
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.err().endsWith("\njcap: the download from " + url() + " has SHA-256 " + Sha256.of(LOADER)
                + ", not the expected " + wrong + ": the file changed or was tampered with, so nothing was stored; check"
                + " the URL and the digest\n"), bad.toString());
        assertTrue(bad.err().contains("Downloading osv-loader.qemu.x86_64: 100% of 300.0 KiB"), bad.toString());
        assertTrue(Files.notExists(jcap.home.resolve("kernels/pulled")));
        JcapProcess.Result good = jcap.run("kernels", "pull", "osv", "--url", url(), "--sha256",
                Sha256.of(LOADER).hex().toUpperCase(java.util.Locale.ROOT), "--name", "pulled");
        assertEquals(0, good.exitCode(), good.toString());
        assertEquals("pulled kernel pulled (osv loader, SHA-256 " + Sha256.of(LOADER) + ")\n", good.out());
        JcapProcess.Result list = jcap.run("kernels", "list");
        assertTrue(list.out().contains("\npulled  osv     loader  unknown  custom   "), list.toString());
        try (var left = Files.list(jcap.home.resolve("tmp"))) {
            assertEquals(java.util.List.of(), left.toList());
        }
    }

    private static String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/osv-loader.qemu.x86_64";
    }
}
