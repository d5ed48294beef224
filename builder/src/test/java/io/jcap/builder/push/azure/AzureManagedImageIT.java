package io.jcap.builder.push.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.push.SampleQcow2;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Azurite;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole push with a managed image: the page blob into a real Azurite, then the image through
 * {@link ArmStandIn} (Resource Manager and the token endpoint, which no test can have for real).
 */
class AzureManagedImageIT {
    static final String SUBSCRIPTION = "8f3c2a91-5d4e-4b7a-9c1f-0e2d3b4a5c6d";
    @TempDir
    static Path shared;
    static Azurite azurite;
    static StoredImage image;

    @TempDir
    Path temp;
    ArmStandIn arm;
    BlobContainerClient container;
    final RecordedEvents events = new RecordedEvents();

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
    void fresh() throws Exception {
        arm = new ArmStandIn(temp);
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient("vhds");
        if (container.exists()) {
            container.delete();
        }
        container.create();
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    private AzureTarget target() {
        return new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "AZURE_CLIENT_ID", ArmStandIn.CLIENT_ID, "AZURE_TENANT_ID", ArmStandIn.TENANT,
                "AZURE_CLIENT_SECRET", ArmStandIn.CLIENT_SECRET, "AZURE_AUTHORITY_HOST", arm.url(),
                "AZURE_SUBSCRIPTION_ID", SUBSCRIPTION),
                arm.url(), new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(arm.clientTls())).build());
    }

    private static PushRequest request() {
        return PushRequest.of(image, "azure").withOption("container", "vhds").withOption("resource-group", "web")
                .withOption("location", "westeurope");
    }

    private static String id(String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/web/providers/Microsoft.Compute/images/" + name;
    }

    @Test
    void push_makesTheImageFromTheCompleteBlob() throws Exception {
        PushResult result = target().push(request(), events);

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
    void push_existingImage_isRefusedBeforeTheUpload() {
        arm.addImage(SUBSCRIPTION, "web", "hello");
        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), events));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("resource group 'web' has an image named 'hello' already"), e.getMessage());
        assertFalse(container.getBlobClient("hello.vhd").exists(), "nothing was uploaded");
    }

    @Test
    void push_imageRefused_deletesTheBlob_exit1() {
        arm.fail("PUT image", 403, "AuthorizationFailed");
        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), events));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().contains("(HTTP 403, AuthorizationFailed): The client '"), e.getMessage());
        assertFalse(container.getBlobClient("hello.vhd").exists(), "the blob of the failed push is deleted");
        assertFalse(String.join("\n", events.lines()).contains(ArmStandIn.CLIENT_SECRET));
    }
}
