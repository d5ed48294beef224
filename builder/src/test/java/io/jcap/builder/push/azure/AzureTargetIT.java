package io.jcap.builder.push.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.push.SampleQcow2;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.formats.qcow2.Extent;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.formats.vhd.FixedVhd;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Azurite;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Azure target as a library, against a real Azurite Blob service on 127.0.0.1; its managed
 * images through {@link ArmStandIn}.
 */
class AzureTargetIT {
    @TempDir
    static Path shared;
    static Azurite azurite;
    static StoredImage image;

    static final String SUBSCRIPTION = "8f3c2a91-5d4e-4b7a-9c1f-0e2d3b4a5c6d";

    @TempDir
    Path temp;
    BlobContainerClient container;
    ArmStandIn arm;
    final RecordedEvents armEvents = new RecordedEvents();

    @AfterEach
    void stopArm() {
        if (arm != null) {
            arm.close();
        }
    }

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = Azurite.start(shared);
        image = SampleImages.hello(SampleQcow2.write(shared));
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void freshContainer() {
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient("vhds");
        if (container.exists()) {
            container.delete();
        }
        container.create();
    }

    private AzureTarget target() {
        return new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString()));
    }

    private static PushRequest request() {
        return PushRequest.of(image, "azure").withOption("container", "vhds");
    }

    @Test
    void push_writesTheVhdJcapWould_sendingOnlyItsDataPages() throws Exception {
        RecordedEvents events = new RecordedEvents();

        PushResult result = target().push(request(), events);

        Path local = temp.resolve("expected.vhd");
        List<Extent> dataChunks = new ArrayList<>();
        try (Qcow2Image disk = Qcow2Image.open(image.file())) {
            FixedVhd vhd = FixedVhd.of(disk.virtualSize(), new byte[16], 0);
            byte[] buffer = new byte[PageBlobUpload.PAGE_WRITE];
            for (Extent chunk : vhd.chunks(disk, PageBlobUpload.PAGE_WRITE)) {
                if (disk.readPadded(chunk, buffer)) {
                    dataChunks.add(chunk);
                }
            }
        }
        AzureTarget.writeVhd(image, local);
        PageBlobClient blob = container.getBlobClient("hello.vhd").getPageBlobClient();
        Path downloaded = temp.resolve("downloaded.vhd");
        blob.downloadToFile(downloaded.toString());
        assertArrayEquals(Files.readAllBytes(local), Files.readAllBytes(downloaded));

        // Only the data chunks and the footer were written: Azurite lists each written range.
        long vhdDisk = Files.size(local) - 512;
        List<Extent> written = new ArrayList<>();
        for (PageRange range : blob.getPageRanges(null).getPageRange()) {
            written.add(new Extent(range.getStart(), range.getEnd() - range.getStart() + 1));
        }
        List<Extent> expected = new ArrayList<>(dataChunks);
        expected.add(new Extent(vhdDisk, 512));
        assertEquals(expected, written);
        long dataBytes = dataChunks.stream().mapToLong(Extent::length).sum();
        assertEquals(dataBytes + 512, result.bytesSent());
        assertTrue(result.bytesSent() < Files.size(image.file()) * 2, result.bytesSent() + " bytes sent");

        assertEquals(azurite.blobEndpoint() + "/vhds/hello.vhd", result.remoteId());
        assertEquals("hello.vhd", result.remoteName());
        assertEquals(image.metadata().imageSha256(), result.sha256());
        assertEquals(Map.of("jcap_image", "hello", "jcap_digest", image.metadata().imageSha256().hex()),
                blob.getProperties().getMetadata());
        assertTrue(events.lines().stream().anyMatch(l -> l.contains("Uploaded " + result.bytesSent() + " bytes in "
                + (expected.size()) + " page writes")), events.lines().toString());
    }

    @Test
    void push_existingName_isRefusedUntilReplace() throws Exception {
        target().push(request(), new RecordedEvents());

        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("container 'vhds' has a blob named 'hello.vhd' already ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("; push with --replace to replace it, or pick another --name"), e.getMessage());

        PushResult replaced = target().push(request().withReplace(true), new RecordedEvents());
        assertEquals(List.of(azurite.blobEndpoint() + "/vhds/hello.vhd"), replaced.replaced());
    }

    @Test
    void push_overABlobAKilledPushLeft_replacesItWithoutReplace() throws Exception {
        // What a push killed half-way leaves: a page blob still marked as uploading.
        PageBlobClient leftover = container.getBlobClient("hello.vhd").getPageBlobClient();
        leftover.createWithResponse(1 << 20, 0L, null, Map.of("jcap_state", "uploading"), null, null, null);
        RecordedEvents events = new RecordedEvents();

        target().push(request(), events);

        assertTrue(events.lines().contains("INFO Deleting " + azurite.blobEndpoint()
                + "/vhds/hello.vhd, a blob an earlier push left half-written"), events.lines().toString());
        assertFalse(leftover.getProperties().getMetadata().containsKey("jcap_state"));
    }

    @Test
    void push_failingHalfWay_deletesTheBlob() throws Exception {
        Path gone = temp.resolve("gone.qcow2");
        Files.copy(image.file(), gone);
        StoredImage changed = SampleImages.hello(gone);
        // The file changes after its digest was recorded: the push is refused after the upload.
        try (var channel = java.nio.channels.FileChannel.open(gone, java.nio.file.StandardOpenOption.APPEND)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        }

        JcapException e = assertThrows(JcapException.class, () -> target().push(
                PushRequest.of(changed, "azure").withOption("container", "vhds"), new RecordedEvents()));

        assertTrue(e.getMessage().startsWith("image file " + gone + " changed since it was built"), e.getMessage());
        assertFalse(container.getBlobClient("hello.vhd").exists());
    }

    // The delete of a push that does not complete (HalfWrittenBlob): both the failure path and jcap's shutdown hook
    // (Ctrl-C, SIGTERM) ask for it; PushAzureIT stops a real bin/jcap half-way.

    @Test
    void halfWrittenBlob_askedTwiceAndByAnInterruptedThread_isDeletedOnce() throws Exception {
        PageBlobClient blob = container.getBlobClient("hello.vhd").getPageBlobClient();
        blob.create(1 << 20);
        RecordedEvents events = new RecordedEvents();
        HalfWrittenBlob half = new HalfWrittenBlob(blob, target().plan(request()), events);

        Thread hook = new Thread(half::delete);
        hook.start();
        Thread.currentThread().interrupt(); // the push's own thread may have been interrupted: it still waits
        half.delete();
        boolean stillInterrupted = Thread.interrupted();
        hook.join(60_000);

        assertTrue(stillInterrupted, "the interrupt is kept");
        assertFalse(hook.isAlive());
        assertFalse(blob.exists());
        assertEquals(List.of("INFO Deleting the half-written page blob " + azurite.blobEndpoint() + "/vhds/hello.vhd"),
                events.lines());
    }

    @Test
    void halfWrittenBlob_serviceNotAnswering_givesUpAfterItsBound_sayingWhatMayBeLeft() throws Exception {
        PageBlobClient blob = container.getBlobClient("hello.vhd").getPageBlobClient();
        blob.create(1 << 20);
        RecordedEvents events = new RecordedEvents();
        HalfWrittenBlob half = new HalfWrittenBlob(blob, target().plan(request()), events, java.time.Duration.ofSeconds(1));

        signal("STOP", azurite.pid());
        try {
            half.delete();
        } finally {
            signal("CONT", azurite.pid());
        }

        String url = azurite.blobEndpoint() + "/vhds/hello.vhd";
        assertEquals(List.of("INFO Deleting the half-written page blob " + url, "WARN the delete of " + url + " did not end"
                + " within 1 s: the half-written blob may be left (metadata jcap_state=uploading); the next push of the"
                + " name deletes it, or az storage blob delete --container-name vhds --name hello.vhd"), events.lines());
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor());
    }

    @Test
    void push_missingContainer_namesIt() {
        JcapException e = assertThrows(JcapException.class, () -> target().push(
                PushRequest.of(image, "azure").withOption("container", "nope"), new RecordedEvents()));
        assertEquals("storage account 'devstoreaccount1' has no container 'nope': create it first"
                + " (az storage container create --name nope)", e.getMessage());
    }

    @Test
    void push_wrongKey_isRefusedWithoutShowingTheKey() {
        String key = java.util.Base64.getEncoder().encodeToString("not the key of devstoreaccount1!".getBytes());
        String connection = azurite.connectionString().replace(Azurite.KEY, key);
        RecordedEvents events = new RecordedEvents();

        JcapException e = assertThrows(JcapException.class, () -> new AzureTarget(
                Map.of("AZURE_STORAGE_CONNECTION_STRING", connection)).push(request(), events));

        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("Azure Blob Storage at " + azurite.blobEndpoint() + " refused to look up"
                + " hello.vhd (HTTP 403"), e.getMessage());
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        for (String output : List.of(e.getMessage(), trace.toString(), events.lines().toString())) {
            assertFalse(output.contains(key), output);
        }
    }

    @Test
    void push_serviceDown_isUnreachable_andDryRunContactsNothing() throws Exception {
        String down = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Azurite.KEY
                + ";BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        AzureTarget target = new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING", down));

        List<String> lines = target.dryRun(request());
        assertEquals("to page blob http://127.0.0.1:9/devstoreaccount1/vhds/hello.vhd with the connection string of"
                + " AZURE_STORAGE_CONNECTION_STRING", lines.get(2));
        assertFalse(String.join("\n", lines).contains(Azurite.KEY));

        JcapException e = assertThrows(JcapException.class, () -> target.push(request(), new RecordedEvents()));
        assertTrue(e instanceof EnvironmentException, e.toString());
        assertTrue(e.getMessage().startsWith("cannot reach Azure Blob Storage at http://127.0.0.1:9/devstoreaccount1: "),
                e.getMessage());
        assertFalse(e.getMessage().contains(Azurite.KEY));
    }

    // The managed image: the blob into Azurite, then the image through ArmStandIn (Resource Manager and the
    // token endpoint, which no test can have for real).

    private AzureTarget targetWithArm() throws Exception {
        arm = new ArmStandIn(temp);
        return new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "AZURE_CLIENT_ID", ArmStandIn.CLIENT_ID, "AZURE_TENANT_ID", ArmStandIn.TENANT,
                "AZURE_CLIENT_SECRET", ArmStandIn.CLIENT_SECRET, "AZURE_AUTHORITY_HOST", arm.url(),
                "AZURE_SUBSCRIPTION_ID", SUBSCRIPTION),
                arm.url(), new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(arm.clientTls())).build());
    }

    private static PushRequest imageRequest() {
        return PushRequest.of(image, "azure").withOption("container", "vhds").withOption("resource-group", "web")
                .withOption("location", "westeurope");
    }

    private static String id(String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/web/providers/Microsoft.Compute/images/" + name;
    }

    @Test
    void push_withResourceGroup_makesTheImageFromTheCompleteBlob() throws Exception {
        PushResult result = targetWithArm().push(imageRequest(), new RecordedEvents());

        assertEquals(id("hello"), result.remoteId());
        assertEquals("hello", result.remoteName());
        String blobUrl = azurite.blobEndpoint() + "/vhds/hello.vhd";
        assertEquals(blobUrl, arm.putBodies.get(0).path("properties").path("storageProfile").path("osDisk")
                .path("blobUri").asText());
        assertEquals(image.metadata().imageSha256().hex(), arm.putBodies.get(0).path("tags").path("jcap_digest").asText());
        // The image is asked for only once the blob is complete: its metadata no longer says uploading.
        assertEquals(Map.of("jcap_image", "hello", "jcap_digest", image.metadata().imageSha256().hex()),
                container.getBlobClient("hello.vhd").getProperties().getMetadata());
        assertEquals(List.of("token", "GET image", "PUT image", "GET operations", "GET operations", "GET operations",
                "GET image"), arm.calls);
    }

    @Test
    void push_existingImage_isRefusedBeforeTheUpload() throws Exception {
        AzureTarget target = targetWithArm();
        arm.addImage(SUBSCRIPTION, "web", "hello");
        JcapException e = assertThrows(JcapException.class, () -> target.push(imageRequest(), armEvents));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("resource group 'web' has an image named 'hello' already"), e.getMessage());
        assertFalse(container.getBlobClient("hello.vhd").exists(), "nothing was uploaded");
    }

    @Test
    void push_imageRefused_deletesTheBlob_exit1() throws Exception {
        AzureTarget target = targetWithArm();
        arm.fail("PUT image", 403, "AuthorizationFailed");
        JcapException e = assertThrows(JcapException.class, () -> target.push(imageRequest(), armEvents));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().contains("(HTTP 403, AuthorizationFailed): The client '"), e.getMessage());
        assertFalse(container.getBlobClient("hello.vhd").exists(), "the blob of the failed push is deleted");
        assertFalse(String.join("\n", armEvents.lines()).contains(ArmStandIn.CLIENT_SECRET));
    }
}
