package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.RealOsv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More of jcap against a real OSv (run only under the Maven profile real-osv, as
 * {@link OsvRealOsvIT}): a server reached through a published port, and a program that ends with
 * {@code exit()}, whose status OSv does not report.
 */
class OsvServerRealOsvIT {
    private static final String SERVER = """
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            #include <netinet/in.h>
            #include <sys/socket.h>
            int main(void) {
                int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
                setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                struct sockaddr_in a = {0};
                a.sin_family = AF_INET;
                a.sin_port = htons(8080);
                if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4)) { perror("bind"); return 1; }
                printf("listening on 8080\\n");
                fflush(stdout);
                for (;;) {
                    int c = accept(s, 0, 0);
                    char buf[2048];
                    if (c < 0) continue;
                    read(c, buf, sizeof buf);
                    const char *r = "HTTP/1.0 200 OK\\r\\nContent-Length: 11\\r\\n\\r\\nhello osv\\r\\n";
                    write(c, r, strlen(r));
                    close(c);
                }
            }
            """;
    private static final String EXITER = """
            #include <stdio.h>
            #include <stdlib.h>
            int main(void) { printf("exiting 5\\n"); fflush(stdout); exit(5); }
            """;

    private static final String RETURNER = """
            #include <stdio.h>
            #include <stdlib.h>
            int main(void) { printf("hello %s\\n", getenv("WHO")); return 3; }
            """;

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void importTheKernel() throws Exception {
        JcapProcess.requireMachine();
        jcap = JcapProcess.empty(temp.resolve("home"));
        JcapProcess.Result imported = jcap.run("kernels", "import", RealOsv.file(RealOsv.LOADER_IMAGE).toString());
        assertEquals(0, imported.exitCode(), imported.toString());
    }

    /** A ROFS project of {@code source}, compiled as a PIE (what OSv loads), with {@code more} Capstanfile lines. */
    private static void build(String name, String source, String more) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.writeString(dir.resolve("main.c"), source);
        Process cc = new ProcessBuilder("cc", "-O2", "-fPIE", "-pie", "-o", "main", "main.c").directory(dir.toFile())
                .inheritIO().start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "cc failed");
        Files.writeString(dir.resolve("Capstanfile"), "kernel: osv\nfs: rofs\ncmdline: /main\n" + more
                + "files:\n  /main: main\n");
        JcapProcess.Result built = jcap.run("build", dir.toString());
        assertEquals(0, built.exitCode(), built.toString());
    }

    @Test
    void server_answersOnItsPublishedPort_onLoopback_andStopEndsIt() throws Exception {
        build("web", SERVER, "ports: [8080]\n");
        int port = JcapProcess.freePort();
        JcapProcess.Result started = jcap.run("run", "-d", "--name", "osv-web", "-p", port + ":8080", "web");
        assertEquals(0, started.exitCode(), started.toString());
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String body = Poll.until("the server to answer", Duration.ofSeconds(90), () -> {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    return Optional.of(r.statusCode() + " " + r.body());
                } catch (java.io.IOException e) {
                    return Optional.empty();
                }
            });
            assertEquals("200 hello osv\r\n", body);
            JcapProcess.Result ps = jcap.run("ps");
            assertTrue(ps.out().matches("(?s).*osv-web +web +running +127\\.0\\.0\\.1:" + port + "->8080/tcp .*"), ps.toString());
            JcapProcess.Result stopped = jcap.run("stop", "osv-web");
            assertEquals(0, stopped.exitCode(), stopped.toString());
            assertTrue(jcap.run("ps").out().contains("exited (stopped)"), "stopped");
            assertEquals("listening on 8080\n", jcap.run("logs", "osv-web").out());
        } finally {
            jcap.run("rm", "-f", "osv-web");
        }
    }

    /**
     * OSv reports no status when killed, and QEMU daemonized: `jcap ps` tells a detached guest killed
     * from outside from one that powered off by itself by QEMU's SHUTDOWN event, which the console
     * keeper records.
     */
    @Test
    void detached_killedFromOutside_isKilled_whileOneThatPoweredOffByItselfIsExitedZero() throws Exception {
        build("web", SERVER, "ports: [8080]\n");
        build("exiter", EXITER, "");
        try {
            assertEquals(0, jcap.run("run", "-d", "--name", "osv-killed", "web").exitCode());
            assertEquals(0, jcap.run("run", "-d", "--name", "osv-exits", "exiter").exitCode());
            Poll.until("the server to listen", Duration.ofSeconds(90), () -> Optional.of(jcap.run("logs", "osv-killed"))
                    .filter(r -> r.out().contains("listening on 8080")));
            long pid = Long.parseLong(Files.readString(temp.resolve("home/instances/osv-killed/qemu.pid")).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            String ps = Poll.until("both to end", Duration.ofSeconds(90), () -> Optional.of(jcap.run("ps").out())
                    .filter(out -> !out.contains("running")));
            assertTrue(ps.matches("(?s).*osv-killed +web +exited \\(killed\\).*"), ps);
            assertTrue(ps.matches("(?s).*osv-exits +exiter +exited \\(0\\).*"), ps);
        } finally {
            jcap.run("rm", "-f", "osv-killed");
            jcap.run("rm", "-f", "osv-exits");
        }
    }

    /**
     * Through libvirt a domain boots the image's disk (OSv's loader, through the BIOS), from a
     * private copy with the run's command line written into it.
     */
    @Test
    void libvirt_foregroundReturnsTheStatus_andADetachedServerAnswersOnItsPort() throws Exception {
        build("returner", RETURNER, "");
        build("web", SERVER, "ports: [8080]\n");

        JcapProcess.Result run = jcap.run("run", "--driver", "libvirt", "-e", "WHO=libvirt", "returner");
        assertEquals(3, run.exitCode(), run.toString());
        assertEquals("hello libvirt\n", run.out(), run.toString());

        int port = JcapProcess.freePort();
        JcapProcess.Result started = jcap.run("run", "-d", "--driver", "libvirt", "--name", "osv-lv-web", "-p",
                port + ":8080", "web");
        assertEquals(0, started.exitCode(), started.toString());
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String body = Poll.until("the server to answer", Duration.ofSeconds(90), () -> {
                try {
                    return Optional.of(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body());
                } catch (java.io.IOException e) {
                    return Optional.empty();
                }
            });
            assertEquals("hello osv\r\n", body);
            assertEquals(0, jcap.run("stop", "osv-lv-web").exitCode());
            assertTrue(jcap.run("ps").out().contains("exited (stopped)"), "stopped");
        } finally {
            jcap.run("rm", "-f", "osv-lv-web");
        }
    }

    /** libvirt's line in the domain's QEMU log ("shutting down, reason=crashed") tells a kill from a power-off. */
    @Test
    void libvirt_detachedServerKilledFromOutside_isKilled() throws Exception {
        build("web", SERVER, "ports: [8080]\n");
        int port = JcapProcess.freePort();
        assertEquals(0, jcap.run("run", "-d", "--driver", "libvirt", "--name", "osv-lv-killed", "-p", port + ":8080",
                "web").exitCode());
        try {
            Poll.until("the server to listen", Duration.ofSeconds(90), () -> Optional.of(jcap.run("logs",
                    "osv-lv-killed")).filter(r -> r.out().contains("listening on 8080")));
            String ps = jcap.run("ps", "--json").out();
            String domain = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ps).get(0).get("libvirt")
                    .get("domain").asText();
            long pid = Long.parseLong(Files.readString(Path.of("/run/libvirt/qemu", domain + ".pid")).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            String ended = Poll.until("the domain to end", Duration.ofSeconds(60), () -> Optional.of(jcap.run("ps").out())
                    .filter(out -> !out.contains("running")));
            assertTrue(ended.matches("(?s).*osv-lv-killed +web +exited \\(killed\\).*"), ended);
        } finally {
            jcap.run("rm", "-f", "osv-lv-killed");
        }
    }

    /** OSv's exit() shuts down without the trace of main's return: the run says it has no status. */
    @Test
    void exit_withoutReturningFromMain_runsExitZero_withAWarningThatTheStatusIsUnknown() throws Exception {
        build("exiter", EXITER, "");

        JcapProcess.Result run = jcap.run("run", "exiter");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("exiting 5\n", run.out(), run.toString());
        assertTrue(run.err().contains("warning: the application ended without returning from main (it called exit(), or"
                + " OSv shut down): OSv reports no exit status then"), run.toString());
    }
}
