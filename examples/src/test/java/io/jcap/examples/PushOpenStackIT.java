package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.model.Sha256;
import io.jcap.testsupport.OpenStackCloud;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap push IMAGE openstack} with the real bin/jcap against the Keystone and Glance that
 * scripts/start-services.sh runs on 127.0.0.1; what arrived is read back through Glance's plain API.
 * Each test pushes under a name of its own.
 */
class PushOpenStackIT {
    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static OpenStackCloud cloud;
    static PlainGlance glance;
    static Path cloudsYaml;
    static Path hello;
    /** A TLS front of Keystone, once a TLS test needs it. */
    static TlsFront tls;

    @BeforeAll
    static void buildHelloAndLogIn() throws Exception {
        cloud = OpenStackCloud.local();
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", "examples/hello");
        assertEquals(0, build.exitCode(), build.toString());
        hello = jcap.home.resolve("images/hello/image.qcow2");
        glance = PlainGlance.login(cloud);
        cloudsYaml = Files.writeString(temp.resolve("clouds.yaml"), cloud.cloudsYaml("local", cloud.password()));
        for (String name : names()) {
            glance.deleteNamed(name);
        }
    }

    @AfterAll
    static void deletePushedImagesAndStopTls() throws Exception {
        if (tls != null) {
            tls.close();
        }
        if (glance != null) {
            for (String name : names()) {
                glance.deleteNamed(name);
            }
        }
    }

    private static List<String> names() {
        return List.of("it-yaml", "it-openrc", "it-appcred", "it-badpass", "it-replace", "it-leftover", "it-dry", "it-closed",
                "it-killed", "it-stopped",
                "it-tls");
    }

    private JcapProcess.Result push(Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("OS_CLIENT_CONFIG_FILE", cloudsYaml.toString()));
        all.putAll(env);
        String[] command = new String[args.length + 1];
        command[0] = "push";
        System.arraycopy(args, 0, command, 1, args.length);
        return jcap.run(all, command);
    }

    @Test
    void push_cloudsYaml_glanceHoldsTheSameBytesAndJcapsProperties() throws Exception {
        JcapProcess.Result r = push(Map.of(), "hello", "openstack", "--cloud", "local", "--name", "it-yaml",
                "--property", "team=web", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode result = new ObjectMapper().readTree(r.out());
        String id = result.path("id").asText();
        assertEquals("openstack", result.path("target").asText());
        assertEquals("it-yaml", result.path("name").asText());
        assertEquals(Files.size(hello), result.path("bytesSent").asLong());
        assertEquals(Sha256.of(hello).hex(), result.path("sha256").asText());
        assertTrue(result.path("seconds").asDouble() > 0, r.toString());
        assertArrayEquals(Files.readAllBytes(hello), glance.download(id));
        JsonNode image = glance.get(id);
        assertEquals("active", image.path("status").asText());
        assertEquals("qcow2", image.path("disk_format").asText());
        assertEquals("bare", image.path("container_format").asText());
        assertEquals("private", image.path("visibility").asText());
        assertEquals(128, image.path("min_ram").asInt());
        assertEquals(1, image.path("min_disk").asInt());
        assertEquals("virtio", image.path("hw_disk_bus").asText());
        assertEquals("virtio", image.path("hw_vif_model").asText());
        assertEquals("linux", image.path("jcap_kernel").asText());
        assertEquals("web", image.path("team").asText());
        assertTrue(r.err().contains("Uploading hello: 100% of "), r.toString());
    }

    @Test
    void push_openrcVariables_pushesWithoutClouds() throws Exception {
        Map<String, String> env = new HashMap<>(cloud.openrc());
        env.put("OS_CLIENT_CONFIG_FILE", "");
        JcapProcess.Result r = push(env, "hello", "openstack", "--name", "it-openrc");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(1, glance.named("it-openrc").size(), r.toString());
        assertTrue(r.out().startsWith("Pushed hello to openstack: " + glance.named("it-openrc").get(0).path("id").asText()
                + " (it-openrc), "), r.toString());
    }

    @Test
    void push_applicationCredential_pushes() throws Exception {
        Path file = Files.writeString(temp.resolve("appcred.yaml"), "clouds:\n  app:\n    auth_type: v3applicationcredential\n"
                + "    auth:\n      auth_url: " + cloud.authUrl() + "\n      application_credential_id: "
                + cloud.applicationCredentialId() + "\n      application_credential_secret: "
                + cloud.applicationCredentialSecret() + "\n");
        JcapProcess.Result r = push(Map.of("OS_CLIENT_CONFIG_FILE", file.toString()), "hello", "openstack",
                "--name", "it-appcred", "--stacktrace");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("active", glance.named("it-appcred").get(0).path("status").asText());
        assertFalse(r.toString().contains(cloud.applicationCredentialSecret()), r.toString());
    }

    /** An auth_url that is Glance's (it answers with its version list): said, not "refused the user". */
    @Test
    void push_authUrlThatIsNotKeystone_saysSo() throws Exception {
        String glanceRoot = cloud.imageUrl().replaceAll("/+$", "");
        Path file = Files.writeString(temp.resolve("notkeystone.yaml"), cloud.cloudsYaml("local", cloud.password())
                .replace(cloud.authUrl(), glanceRoot + "/v3"));

        JcapProcess.Result r = push(Map.of("OS_CLIENT_CONFIG_FILE", file.toString()), "hello", "openstack",
                "--name", "it-notkeystone");

        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("auth_url " + glanceRoot + "/v3 (cloud 'local' of " + file + ") is not Keystone's v3"
                + " API (POST /auth/tokens answered HTTP "), r.toString());
        assertFalse(r.toString().contains(cloud.password()), r.toString());
    }

    @Test
    void push_wrongPassword_exitsOneWithKeystonesReasonAndNeverShowsThePassword() throws Exception {
        String wrong = "Wrong-" + cloud.password();
        Path file = Files.writeString(temp.resolve("wrong.yaml"), cloud.cloudsYaml("local", wrong));
        JcapProcess.Result r = push(Map.of("OS_CLIENT_CONFIG_FILE", file.toString()), "--stacktrace", "hello",
                "openstack", "--name", "it-badpass", "--json", "-v");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("jcap: Keystone at " + cloud.authUrl() + " refused the user 'jcap-test' of cloud"
                + " 'local' of " + file + " (HTTP 401): The request you have made requires authentication."), r.toString());
        assertFalse(r.toString().contains(wrong), "the password shows in the output");
        assertTrue(glance.named("it-badpass").isEmpty());
    }

    @Test
    void push_glanceUnreachable_exitsThree() throws Exception {
        Map<String, String> env = new HashMap<>(cloud.openrc());
        env.put("OS_CLIENT_CONFIG_FILE", "");
        env.put("OS_REGION_NAME", cloud.unreachableRegion());
        JcapProcess.Result r = push(env, "hello", "openstack", "--name", "it-closed");
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("jcap: cannot reach Glance at http://127.0.0.1:9: connection refused\n", r.err(), r.toString());
    }

    @Test
    void push_keystoneOnAClosedPort_exitsThree() throws Exception {
        Map<String, String> env = new HashMap<>(cloud.openrc());
        env.put("OS_CLIENT_CONFIG_FILE", "");
        env.put("OS_AUTH_URL", "http://127.0.0.1:" + JcapProcess.freePort() + "/v3");
        JcapProcess.Result r = push(env, "hello", "openstack", "--name", "it-closed");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("jcap: cannot reach Keystone at http://127.0.0.1:"), r.toString());
    }

    @Test
    void push_existingName_refusedNamingItsId_thenReplaced() throws Exception {
        JcapProcess.Result first = push(Map.of(), "hello", "openstack", "--name", "it-replace", "--json");
        assertEquals(0, first.exitCode(), first.toString());
        String firstId = new ObjectMapper().readTree(first.out()).path("id").asText();

        JcapProcess.Result again = push(Map.of(), "hello", "openstack", "--name", "it-replace");
        assertEquals(1, again.exitCode(), again.toString());
        assertEquals("jcap: project 'jcap-test' has an image named 'it-replace' already: " + firstId
                + "; push with --replace to replace it, or pick another --name\n", again.err(), again.toString());

        JcapProcess.Result replaced = push(Map.of(), "hello", "openstack", "--name", "it-replace", "--replace", "--json");
        assertEquals(0, replaced.exitCode(), replaced.toString());
        JsonNode result = new ObjectMapper().readTree(replaced.out());
        assertEquals(firstId, result.path("replaced").get(0).asText());
        List<JsonNode> images = glance.named("it-replace");
        assertEquals(1, images.size());
        assertEquals(result.path("id").asText(), images.get(0).path("id").asText());
    }

    @Test
    void push_queuedLeftoverOfAKilledPush_isDeletedByTheNextPush() throws Exception {
        String leftover = glance.createQueued("it-leftover");
        JcapProcess.Result r = push(Map.of(), "hello", "openstack", "--name", "it-leftover");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Deleting " + leftover + ", an image named 'it-leftover' an earlier push left without"
                + " data\n"), r.toString());
        List<JsonNode> images = glance.named("it-leftover");
        assertEquals(1, images.size());
        assertEquals("active", images.get(0).path("status").asText());
    }

    @Test
    void push_killedHalfWay_leavesNoActiveImageAndTheNextPushDeletesItsLeftover() throws Exception {
        List<JsonNode> left = List.of();
        for (int attempt = 0; attempt < 3 && left.isEmpty(); attempt++) {
            JcapProcess.Started started = jcap.start(Map.of("OS_CLIENT_CONFIG_FILE", cloudsYaml.toString()),
                    "push", "hello", "openstack", "--name", "it-killed");
            started.awaitErr("Uploading hello: ");
            signal("STOP", cloud.glancePid()); // the upload stalls with part of the file sent
            try {
                started.process().destroyForcibly(); // SIGKILL: no clean-up runs
                started.process().waitFor();
            } finally {
                signal("CONT", cloud.glancePid());
            }
            // Glance may still be "queued" before it reads the stalled request, then "saving": the end of
            // the request in its log is when the status is settled. (A request that never reached it
            // leaves no line; the image is then a leftover without data all the same.)
            String id = glance.named("it-killed").get(0).path("id").asText();
            String put = "\"PUT /v2/images/" + id + "/file HTTP/1.1\"";
            Http.within(Duration.ofSeconds(30), () -> glanceLogHas(put));
            left = glance.named("it-killed");
            if (left.stream().anyMatch(i -> i.path("status").asText().equals("active"))) {
                glance.deleteNamed("it-killed"); // the upload ended before Glance paused: try again
                left = List.of();
            }
        }
        assertEquals(1, left.size(), left.toString());
        assertEquals("queued", left.get(0).path("status").asText());
        String leftover = left.get(0).path("id").asText();

        JcapProcess.Result again = push(Map.of(), "hello", "openstack", "--name", "it-killed");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.err().contains("Deleting " + leftover + ", an image named 'it-killed' an earlier push left"
                + " without data\n"), again.toString());
        List<JsonNode> images = glance.named("it-killed");
        assertEquals(1, images.size());
        assertEquals("active", images.get(0).path("status").asText());
    }

    private static boolean glanceLogHas(String text) {
        try {
            return Files.readString(cloud.glanceLog()).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void push_stoppedHalfWay_deletesItsImageBeforeExiting() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            JcapProcess.Started started = jcap.start(Map.of("OS_CLIENT_CONFIG_FILE", cloudsYaml.toString()),
                    "push", "hello", "openstack", "--name", "it-stopped");
            started.awaitErr("Uploading hello: ");
            signal("STOP", cloud.glancePid()); // the upload stalls with part of the file sent
            try {
                started.process().destroy(); // SIGTERM: jcap's shutdown hook deletes the image
            } finally {
                signal("CONT", cloud.glancePid());
            }
            JcapProcess.Result r = started.await(Duration.ofSeconds(60));
            if (r.exitCode() == 0) {
                glance.deleteNamed("it-stopped"); // the push ended before Glance paused: try again
                continue;
            }
            assertEquals(List.of(), glance.named("it-stopped"), r.toString());
            return;
        }
        throw new AssertionError("three pushes ended before Glance could be paused");
    }

    /**
     * A Glance that stops reading mid-upload: the push ends once no data has gone for the stall
     * bound (3 s here, 60 s by default), exit 3, and deletes its image once Glance answers again.
     * It used to wait for as long as Glance did.
     */
    @Test
    void push_glanceStopsReading_endsAfterTheStallBound_andDeletesItsImage() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            JcapProcess.Started started = jcap.start(Map.of("OS_CLIENT_CONFIG_FILE", cloudsYaml.toString(),
                    "JCAP_UPLOAD_STALL_SECONDS", "3"), "push", "hello", "openstack", "--name", "it-stalled");
            started.awaitErr("Uploading hello: ");
            signal("STOP", cloud.glancePid());
            JcapProcess.Result r;
            try {
                started.awaitErr("Deleting the half-pushed image");
            } catch (AssertionError ended) {
                // The push ended before Glance was paused: see below.
            } finally {
                signal("CONT", cloud.glancePid());
            }
            r = started.await(Duration.ofSeconds(120));
            if (r.exitCode() == 0) {
                glance.deleteNamed("it-stalled"); // the upload ended before Glance paused: try again
                continue;
            }
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.err().contains(" took no data for 3 s ("), r.toString());
            assertEquals(List.of(), glance.named("it-stalled"), r.toString());
            return;
        }
        throw new AssertionError("three pushes ended before Glance could be paused");
    }

    @Test
    void push_tlsKeystoneWithItsCacert_pushes() throws Exception {
        JcapProcess.Result r = push(Map.of("OS_CLIENT_CONFIG_FILE", tlsClouds("    cacert: " + startTls().certificate()).toString()),
                "hello", "openstack", "--name", "it-tls", "--replace");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.err().contains("warning"), r.toString());
    }

    @Test
    void push_tlsKeystoneUnknownCertificate_exitsThreeNamingTheCheck() throws Exception {
        startTls();
        JcapProcess.Result r = push(Map.of("OS_CLIENT_CONFIG_FILE", tlsClouds("").toString()), "hello", "openstack",
                "--name", "it-tls");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("jcap: cannot reach Keystone at " + tls.url() + ": PKIX path"
                + " building failed"), r.toString());
    }

    @Test
    void push_tlsKeystoneInsecure_pushesWithAWarning() throws Exception {
        startTls();
        Path file = tlsClouds("    insecure: true");
        JcapProcess.Result r = push(Map.of("OS_CLIENT_CONFIG_FILE", file.toString()), "hello", "openstack",
                "--name", "it-tls", "--replace");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("warning: TLS certificates of " + tls.url() + "/v3 and its services"
                + " are not verified (insecure in cloud 'local' of " + file + ")\n"), r.toString());
    }

    /** A clouds.yaml for the TLS front of Keystone, with {@code extra} (a line of the cloud) added. */
    private static Path tlsClouds(String extra) throws Exception {
        String yaml = cloud.cloudsYaml("local", cloud.password()).replace(cloud.authUrl(), tls.url() + "/v3");
        return Files.writeString(Files.createTempFile(temp, "tls", ".yaml"), yaml + (extra.isEmpty() ? "" : extra + "\n"));
    }

    private static synchronized TlsFront startTls() throws Exception {
        if (tls == null) {
            tls = TlsFront.start(java.net.URI.create(cloud.authUrl()), temp.resolve("tls"));
        }
        return tls;
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor());
    }

    @Test
    void push_dryRun_sendsNothing() throws Exception {
        JcapProcess.Result r = push(Map.of(), "--dry-run", "hello", "openstack", "--name", "it-dry");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("would push " + hello + " (" + Files.size(hello) + " bytes, sha256 "), r.toString());
        assertTrue(r.out().contains("as a Glance image name=it-dry, disk_format=qcow2, container_format=bare,"), r.toString());
        assertFalse(r.out().contains(cloud.password()), r.toString());
        assertTrue(glance.named("it-dry").isEmpty());
    }

    @Test
    void push_withoutTarget_listsTheTargets() throws Exception {
        JcapProcess.Result r = jcap.run("push");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("Push targets (jcap push IMAGE TARGET [OPTIONS]):\n  aws        "), r.toString());
        for (String target : List.of("azure", "gce", "libvirt", "openstack", "registry")) {
            assertTrue(r.out().contains("\n  " + target + " "), r.toString());
        }
    }
}
