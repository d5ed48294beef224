package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap push IMAGE REF}, {@code pull}, {@code run REF} and {@code login} with the real bin/jcap
 * against the registries scripts/start-services.sh runs on 127.0.0.1: the plain one for the round
 * trip, the TLS one with htpasswd for the credentials. Each test uses a repository of its own.
 */
class RegistryIT {
    private static final Pattern PUSHED = Pattern.compile("Pushed hello to registry: (\\S+)@sha256:([0-9a-f]{64}) ");

    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static LocalRegistry registry;
    static String run;

    @BeforeAll
    static void buildHello() throws Exception {
        registry = LocalRegistry.local();
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", "examples/hello");
        assertEquals(0, build.exitCode(), build.toString());
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void push_rmi_runByReference_printsHellosLine() throws Exception {
        String ref = registry.plain() + "/e2e-" + run + "/hello:1";
        Path vm = temp.resolve("hello-vm.yaml");
        JcapProcess.Result push = jcap.run("push", "hello", ref, "--kubevirt-manifest", vm.toString());
        assertEquals(0, push.exitCode(), push.toString());
        Matcher m = PUSHED.matcher(push.out());
        assertTrue(m.find(), push.toString());
        String digest = m.group(2);
        assertTrue(Files.readString(vm).contains("containerDisk:\n          image: " + ref + "@sha256:" + digest + "\n"),
                Files.readString(vm));
        assertEquals(0, jcap.run("rmi", "hello").exitCode());

        JcapProcess.Result hello = jcap.run("run", ref);

        assertEquals(0, hello.exitCode(), hello.toString());
        assertTrue(hello.out().contains("Hello from jcap, world!"), hello.toString());
        assertTrue(hello.err().contains("Pulled " + ref + "@sha256:" + digest + " as hello"), hello.toString());
        JcapProcess.Result images = jcap.run("images");
        assertTrue(images.out().contains(ref + "@sha256:" + digest), images.toString());
        JcapProcess.Result again = jcap.run("run", ref + "@sha256:" + digest);
        assertEquals(0, again.exitCode(), again.toString());
        assertFalse(again.err().contains("Pulled"), "the image pulled by that digest is there: " + again);
    }

    /**
     * jcap run of a reference whose repository's last part names an image built here (the usual
     * case right after a push) stores the pull under the repository and tag instead, says so, and
     * runs it; the next run finds it by its origin.
     */
    @Test
    void runByReference_whoseShortNameIsABuiltImage_storesItUnderItsRepositoryAndTag() throws Exception {
        assertEquals(0, jcap.run("build", "examples/hello", "--name", "clash").exitCode());
        String ref = registry.plain() + "/e2e-" + run + "/clash:1";
        assertEquals(0, jcap.run("push", "clash", ref).exitCode());

        JcapProcess.Result first = jcap.run("run", ref);
        JcapProcess.Result again = jcap.run("run", ref);

        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("Hello from jcap, world!"), first.toString());
        assertTrue(first.err().contains("Image 'clash' exists and was built here: storing " + ref + " as e2e-" + run
                + "-clash-1"), first.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertFalse(again.err().contains("Pulled"), again.toString());
        JcapProcess.Result images = jcap.run("images");
        assertTrue(images.out().matches("(?s).*\nclash +.* built\n.*"), images.toString());
        assertTrue(images.out().contains("\ne2e-" + run + "-clash-1 "), images.toString());
    }

    /**
     * A pulled image's record names the host ports it wants (http-server: 8080); jcap run of it
     * publishes its ports on free host ports instead, says which in the foreground and shows them
     * in jcap ps: the image's author does not choose which ports of this machine a run binds.
     */
    @Test
    void runByReference_ofAnImageWithPorts_publishesThemOnFreeHostPorts() throws Exception {
        assertEquals(0, jcap.run("build", "examples/http-server").exitCode());
        String ref = registry.plain() + "/e2e-" + run + "/http-server:1";
        assertEquals(0, jcap.run("push", "http-server", ref).exitCode());
        assertEquals(0, jcap.run("rmi", "http-server").exitCode());
        try {
            JcapProcess.Result detached = jcap.run("run", "-d", "--name", "pulled-web", ref);

            assertEquals(0, detached.exitCode(), detached.toString());
            JcapProcess.Result ps = jcap.run("ps", "--json");
            com.fasterxml.jackson.databind.JsonNode port = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(ps.out()).get(0).get("ports").get(0);
            assertEquals(8080, port.get("guest").asInt(), ps.toString());
            assertEquals("127.0.0.1", port.get("address").asText(), ps.toString());
            int host = port.get("host").asInt();
            assertTrue(host != 8080 && host > 0, ps.toString());
            assertEquals(200, Http.awaitAnswer(host, "/").status());
        } finally {
            jcap.run("rm", "-f", "pulled-web");
        }

        JcapProcess.Started foreground = jcap.start("run", ref);
        try {
            foreground.awaitErr("picks one)\n");
            Matcher published = Pattern.compile("Published 127\\.0\\.0\\.1:([0-9]+)->8080/tcp \\(a free host port: a"
                    + " pulled image's record does not choose this machine's ports; -p HOST:8080 picks one\\)\n")
                    .matcher(Files.readString(foreground.err()));
            assertTrue(published.find(), Files.readString(foreground.err()));
            assertEquals(200, Http.awaitAnswer(Integer.parseInt(published.group(1)), "/").status());
        } finally {
            foreground.process().destroy();
            assertTrue(foreground.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    /**
     * A pulled image's disk, file list and record are the registry's: a later build of a project
     * with the same name never starts from them (a file hidden from the pushed file list stayed in
     * the incremental build's image) and never takes them as up to date.
     */
    @Test
    void build_ofANamePulledBefore_startsFromScratchAndSaysSo() throws Exception {
        Path project = JcapProcess.copyExample("hello", Files.createDirectories(temp.resolve("planted")));
        String capstanfile = Files.readString(project.resolve("Capstanfile"));
        Files.writeString(project.resolve("planted"), "planted\n");
        Files.writeString(project.resolve("Capstanfile"), capstanfile.replace("files:\n", "files:\n  /zz-planted: planted\n"));
        assertEquals(0, jcap.run("build", project.toString(), "--name", "app").exitCode());
        Path tree = jcap.home.resolve("images/app/image.tree");
        Files.writeString(tree, String.join("\n", Files.readString(tree).lines().filter(l -> !l.contains("zz-planted"))
                .toList()) + "\n");
        String ref = registry.plain() + "/e2e-" + run + "/app:1";
        assertEquals(0, jcap.run("push", "app", ref).exitCode());
        assertEquals(0, jcap.run("rmi", "app").exitCode());
        JcapProcess.Result pull = jcap.run("pull", ref);
        assertEquals(0, pull.exitCode(), pull.toString());

        Files.writeString(project.resolve("Capstanfile"), capstanfile);
        JcapProcess.Result build = jcap.run("build", project.toString(), "--name", "app");

        assertEquals(0, build.exitCode(), build.toString());
        assertTrue(build.err().contains("Image app was pulled from " + ref + ": this build replaces it with one built"
                + " here, from scratch (use --name to keep it)"), build.toString());
        assertTrue(build.out().contains("Building app from scratch: the image of that name was pulled, not built here")
                || build.err().contains("Building app from scratch: the image of that name was pulled, not built here"),
                build.toString());
        JcapProcess.Result ls = jcap.run("images", "ls", "app", "/");
        assertEquals(0, ls.exitCode(), ls.toString());
        assertFalse(ls.out().contains("zz-planted"), ls.out());
        assertTrue(ls.out().contains("/app/hello"), ls.out());
        JcapProcess.Result images = jcap.run("images");
        assertTrue(images.out().lines().anyMatch(l -> l.startsWith("app ") && l.contains(" built")), images.toString());
    }

    @Test
    void run_byADigestTheRegistryLacks_isRefusedWithExit1() throws Exception {
        String ref = registry.plain() + "/e2e-" + run + "/absent@sha256:" + "ab".repeat(32);
        JcapProcess.Result r = jcap.run("run", ref);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("jcap: registry " + registry.plain() + " refused GET /v2/e2e-" + run
                + "/absent/manifests/sha256:" + "ab".repeat(32) + " (HTTP 404): "), r.toString());
    }

    @Test
    void login_wrongPasswordThenRight_thenPushPullAndRunOverTls() throws Exception {
        Map<String, String> env = Map.of("DOCKER_CONFIG", temp.resolve("docker").toString());
        String wrong = "wrong-" + UUID.randomUUID();
        String certDir = registry.certDir().toString();

        JcapProcess.Result refused = jcap.runWithInput(env, wrong + "\n", "login", registry.tls(), "-u", registry.user(),
                "--password-stdin", "--cert-dir", certDir);

        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals("jcap: registry " + registry.tls() + " refused the credentials of user '" + registry.user()
                + "' from the command line (HTTP 401): UNAUTHORIZED: authentication required\n", refused.err());
        assertFalse(refused.toString().contains(wrong));
        JcapProcess.Result login = jcap.runWithInput(env, registry.password() + "\n", "login", registry.tls(), "-u",
                registry.user(), "--password-stdin", "--cert-dir", certDir);
        assertEquals(0, login.exitCode(), login.toString());
        assertTrue(Files.readString(temp.resolve("docker/config.json")).contains(registry.tls()));

        String ref = registry.tls() + "/e2e-" + run + "/secure:1";
        JcapProcess.Result push = jcap.run(env, "push", "hello", ref, "--cert-dir", certDir, "-v");
        assertEquals(0, push.exitCode(), push.toString());
        JcapProcess.Result pull = jcap.run(env, "pull", ref, "--name", "secure", "--cert-dir", certDir, "-v");
        assertEquals(0, pull.exitCode(), pull.toString());
        assertTrue(pull.out().startsWith("Pulled " + ref + "@sha256:"), pull.toString());
        assertFalse(pull.err().contains("Pulled "), "the result is printed once, on the output: " + pull);
        assertFalse((push.toString() + pull + login).contains(registry.password()), "the password was shown");

        // jcap run of a reference the repository lacks pulls it first, trusting the same --cert-dir.
        assertEquals(0, jcap.run("rmi", "secure").exitCode());
        JcapProcess.Result untrusted = jcap.run(env, "run", ref);
        assertEquals(3, untrusted.exitCode(), untrusted.toString());
        assertTrue(untrusted.err().contains("PKIX path building failed"), untrusted.toString());
        JcapProcess.Result hello = jcap.run(env, "run", "--cert-dir", certDir, ref);
        assertEquals(0, hello.exitCode(), hello.toString());
        assertTrue(hello.out().contains("Hello from jcap, world!"), hello.toString());
    }
}
