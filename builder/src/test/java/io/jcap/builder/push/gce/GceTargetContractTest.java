package io.jcap.builder.push.gce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.push.SampleQcow2;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCE target against {@link GceStandIn}, a stand-in for Google's token endpoint, Cloud Storage
 * and Compute Engine that follows their API references for the calls jcap makes (no Google Cloud
 * project can be used in tests): Cloud Storage through its library's standard setting,
 * {@code STORAGE_EMULATOR_HOST}; credentials from a service account key file named by
 * {@code GOOGLE_APPLICATION_CREDENTIALS} whose {@code token_uri} is the stand-in's.
 */
class GceTargetContractTest {
    @TempDir
    static Path shared;
    static StoredImage image;

    @TempDir
    Path temp;
    GceStandIn google;
    Map<String, String> env;

    @BeforeAll
    static void image() throws Exception {
        image = SampleImages.hello(SampleQcow2.write(shared));
    }

    @BeforeEach
    void standIn() throws Exception {
        google = new GceStandIn();
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(keys.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Path key = temp.resolve("key.json");
        Files.writeString(key, GoogleHttp.JSON.createObjectNode().put("type", "service_account").put("project_id", "p")
                .put("private_key_id", "k1").put("private_key", pem).put("client_email", "jcap@p.iam.gserviceaccount.com")
                .put("client_id", "1").put("token_uri", google.url() + "/token").toString());
        env = Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString(), "STORAGE_EMULATOR_HOST", google.url());
    }

    @AfterEach
    void stop() {
        google.close();
    }

    private GceTarget target() {
        return new GceTarget(env, google.url());
    }

    private static PushRequest request() {
        return PushRequest.of(image, "gce").withOption("project", "p").withOption("bucket", "b");
    }

    @Test
    void push_uploadsASparseDiskRawTarGz_thenInsertsTheImage_andDeletesTheObject() throws Exception {
        google.fail("PUT session", 503);
        RecordedEvents events = new RecordedEvents();

        PushResult result = target().push(request().withOption("family", "jcap").withOption("label", "team=web"), events);

        assertEquals("projects/p/global/images/hello", result.remoteId());
        assertEquals(List.of("token", "GET /compute/v1/projects/p/global/images/hello", "POST /upload/storage/v1/b/b/o",
                "PUT session", "PUT session", "POST /compute/v1/projects/p/global/images",
                "GET /compute/v1/projects/p/global/operations/operation-insert-1", "DELETE /storage/v1/b/b/o/hello.tar.gz"),
                google.calls);
        JsonNode inserted = google.images.get("hello");
        assertEquals("https://storage.googleapis.com/b/hello.tar.gz", inserted.path("rawDisk").path("source").asText());
        assertEquals("jcap", inserted.path("family").asText());
        assertEquals("[{\"type\":\"VIRTIO_SCSI_MULTIQUEUE\"},{\"type\":\"GVNIC\"},{\"type\":\"UEFI_COMPATIBLE\"}]",
                inserted.path("guestOsFeatures").toString());
        assertEquals("{\"jcap-image\":\"hello\",\"team\":\"web\"}", inserted.path("labels").toString());
        assertTrue(google.objects.isEmpty(), google.objects.keySet().toString());
        assertTrue(events.lines().stream().noneMatch(l -> l.contains(GceStandIn.TOKEN)));
    }

    @Test
    void push_keepObject_leavesATarThatGnuTarExtractsAsTheDisk() throws Exception {
        PushResult result = target().push(request().withOption("keep-object", ""), new RecordedEvents());

        byte[] object = google.objects.get("b/hello.tar.gz");
        assertEquals(object.length, result.bytesSent());
        Path tar = Files.write(temp.resolve("hello.tar.gz"), object);
        HostTool.Result list = HostTool.run(List.of("tar", "--list", "-v", "-z", "-f", tar.toString()), Duration.ofMinutes(1));
        assertTrue(list.stdout().startsWith("-rw-r--r-- root/root " + (1L << 30) + " 1970-01-01 00:00 disk.raw\n"),
                list.stdout());
        Path out = Files.createDirectory(temp.resolve("out"));
        assertEquals(0, HostTool.run(List.of("tar", "-x", "-z", "-f", tar.toString(), "-C", out.toString()),
                Duration.ofMinutes(1)).exitCode());
        HostTool.Result compare = HostTool.run(List.of("qemu-img", "compare", "-F", "raw", image.file().toString(),
                out.resolve("disk.raw").toString()), Duration.ofMinutes(1));
        assertEquals(0, compare.exitCode(), compare.stdout() + compare.stderr());
    }

    @Test
    void push_existingName_isRefused_thenReplaced() throws Exception {
        target().push(request(), new RecordedEvents());

        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));
        assertEquals("project 'p' has an image named 'hello' already; push with --replace to replace it, or pick"
                + " another --name", e.getMessage());

        PushResult replaced = target().push(request().withReplace(true), new RecordedEvents());
        assertEquals(List.of("projects/p/global/images/hello"), replaced.replaced());
        assertTrue(google.calls.contains("DELETE /compute/v1/projects/p/global/images/hello"));
        assertTrue(google.images.containsKey("hello"));
    }

    @Test
    void push_insertRefused_deletesTheObject_andExits1() {
        google.fail("POST /compute/v1/projects/p/global/images", 403);

        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));

        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals("Compute Engine at " + google.url() + " refused to insert image hello"
                + " (HTTP 403): injected", e.getMessage());
        assertTrue(google.objects.isEmpty());
        assertFalse(e.getMessage().contains(GceStandIn.TOKEN));
    }

    @Test
    void push_storageDown_isUnreachable_andDryRunContactsNothing() throws Exception {
        env = Map.of("GOOGLE_APPLICATION_CREDENTIALS", env.get("GOOGLE_APPLICATION_CREDENTIALS"),
                "STORAGE_EMULATOR_HOST", "http://127.0.0.1:9");

        List<String> lines = target().dryRun(request());
        assertEquals("as disk.raw of 1073741824 bytes, a sparse member of a gzip'd GNU tar, uploaded to"
                + " gs://b/hello.tar.gz at http://127.0.0.1:9", lines.get(1));

        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));
        assertTrue(e instanceof EnvironmentException, e.toString());
        assertTrue(e.getMessage().startsWith("cannot reach Cloud Storage at http://127.0.0.1:9: "), e.getMessage());
    }

    /** What is wrong with the credentials, in words: a missing file, a file that is not JSON. */
    @Test
    void push_badCredentialsFile_saysWhatIsWrong() throws Exception {
        Path missing = temp.resolve("nonexistent.json");
        env = Map.of("GOOGLE_APPLICATION_CREDENTIALS", missing.toString(), "STORAGE_EMULATOR_HOST", google.url());
        JcapException none = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));
        assertEquals("no Google credentials: the credentials file " + missing + " that GOOGLE_APPLICATION_CREDENTIALS"
                + " names does not exist (give a service account key file, or unset it to use gcloud auth"
                + " application-default login's)", none.getMessage());

        Path garbage = Files.writeString(temp.resolve("garbage.json"), "not json {");
        env = Map.of("GOOGLE_APPLICATION_CREDENTIALS", garbage.toString(), "STORAGE_EMULATOR_HOST", google.url());
        JcapException bad = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));
        assertEquals("no Google credentials from the credentials file " + garbage + " (GOOGLE_APPLICATION_CREDENTIALS):"
                + " it is not JSON (a service account key, or gcloud's application default credentials, is a JSON file)"
                + " (check the file, or unset GOOGLE_APPLICATION_CREDENTIALS to use gcloud auth application-default"
                + " login's)", bad.getMessage());
        assertTrue(google.objects.isEmpty());
    }

    @Test
    void plan_badOptions_areRefusedWithWhatIsAllowed() {
        JcapException name = assertThrows(JcapException.class, () -> target().plan(request().withRemoteName("Hello_1")));
        assertEquals("--name 'Hello_1' is not a GCE image name: lower-case letters, digits and hyphens, at most 63,"
                + " starting with a letter", name.getMessage());
        JcapException label = assertThrows(JcapException.class, () -> target().plan(request().withOption("label", "Team=x")));
        assertEquals("--label 'Team=x' is not KEY=VALUE of lower-case letters, digits, '_' and '-' (a key starts with a"
                + " letter)", label.getMessage());
        JcapException project = assertThrows(JcapException.class,
                () -> target().plan(PushRequest.of(image, "gce").withOption("bucket", "b")));
        assertEquals("target gce needs --project ID: the Google Cloud project the image goes into", project.getMessage());
    }
}
