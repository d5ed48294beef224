package io.jcap.builder.push.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.push.SampleQcow2;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Azurite;
import io.jcap.testsupport.RecordedEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Azure target with the connection string the portal's "Shared access signature" page gives
 * (a BlobEndpoint and a SharedAccessSignature, no account name or key), against a real Azurite
 * Blob service on 127.0.0.1, whose SAS tokens are signed with its account key as Azure's are.
 */
class AzureSasIT {
    @TempDir
    static Path shared;
    static Azurite azurite;
    static StoredImage image;
    static BlobServiceClient service;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = Azurite.start(shared);
        image = SampleImages.hello(SampleQcow2.write(shared));
        service = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    /** An account SAS for the Blob service with {@code permissions}, valid for an hour. */
    private static String sas(String permissions) {
        return service.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                AccountSasPermission.parse(permissions), AccountSasService.parse("b"), AccountSasResourceType.parse("sco")));
    }

    private static AzureTarget target(String sas) {
        return new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING",
                "BlobEndpoint=" + azurite.blobEndpoint() + ";SharedAccessSignature=" + sas));
    }

    private static BlobContainerClient freshContainer(String name) {
        BlobContainerClient container = service.getBlobContainerClient(name);
        if (container.exists()) {
            container.delete();
        }
        container.create();
        return container;
    }

    @Test
    void push_withASasConnectionString_writesTheVhd_andNeverShowsTheSignature() throws Exception {
        BlobContainerClient container = freshContainer("sas-vhds");
        String sas = sas("rwdlac");
        RecordedEvents events = new RecordedEvents();

        PushResult result = target(sas).push(PushRequest.of(image, "azure").withOption("container", "sas-vhds"), events);

        Path expected = shared.resolve("expected.vhd");
        AzureTarget.writeVhd(image, expected);
        Path downloaded = shared.resolve("downloaded.vhd");
        container.getBlobClient("hello.vhd").downloadToFile(downloaded.toString(), true);
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(downloaded));
        assertEquals(azurite.blobEndpoint() + "/sas-vhds/hello.vhd", result.remoteId());
        for (String signature : signatures(sas)) {
            assertFalse(String.join("\n", events.lines()).contains(signature), events.lines().toString());
        }
    }

    @Test
    void push_withAReadOnlySas_isRefused_withoutShowingTheSignature() throws Exception {
        BlobContainerClient container = freshContainer("sas-readonly");
        String sas = sas("rl");
        RecordedEvents events = new RecordedEvents();

        JcapException e = assertThrows(JcapException.class, () -> target(sas)
                .push(PushRequest.of(image, "azure").withOption("container", "sas-readonly"), events));

        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("Azure Blob Storage at " + azurite.blobEndpoint() + " refused to create"),
                e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
        assertFalse(container.getBlobClient("hello.vhd").exists(), "no blob left");
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        for (String signature : signatures(sas)) {
            for (String output : List.of(e.getMessage(), trace.toString(), events.lines().toString())) {
                assertFalse(output.contains(signature), output);
            }
        }
    }

    /** The signature of a SAS token ({@code sig=...}, the part that grants access), as sent and decoded. */
    private static List<String> signatures(String sas) {
        for (String field : sas.split("&")) {
            if (field.startsWith("sig=")) {
                String sent = field.substring("sig=".length());
                return List.of(sent, java.net.URLDecoder.decode(sent, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        throw new IllegalStateException("a SAS without a signature: " + sas);
    }
}
