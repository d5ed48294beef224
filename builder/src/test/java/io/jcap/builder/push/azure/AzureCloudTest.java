package io.jcap.builder.push.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.push.SampleQcow2;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cloud}: each Azure cloud's storage, sign-in and Resource Manager endpoints, checked without contacting any. */
class AzureCloudTest {
    @TempDir
    static Path shared;
    static StoredImage image;

    @BeforeAll
    static void image() throws Exception {
        image = SampleImages.hello(SampleQcow2.write(shared));
    }

    private static PushRequest request(String... cloud) {
        PushRequest request = PushRequest.of(image, "azure").withOption("container", "vhds");
        return cloud.length == 0 ? request : request.withOption("cloud", cloud[0]);
    }

    @Test
    void usGovernment_takesItsStorageAndResourceManager_andSignsInThere() throws Exception {
        AzureTarget target = new AzureTarget(Map.of("AZURE_STORAGE_ACCOUNT", "acct", "AZURE_SUBSCRIPTION_ID", "8f3c2a91-5d4e-4b7a-9c1f-0e2d3b4a5c6d"));
        PushRequest request = request("AzureUSGovernment").withOption("resource-group", "web").withOption("location",
                "usgovvirginia");

        AzureTarget.Plan plan = target.plan(request);

        assertEquals("https://acct.blob.core.usgovcloudapi.net/vhds/hello.vhd", plan.url());
        assertEquals("https://management.usgovcloudapi.net", plan.armEndpoint());
        assertEquals("https://login.microsoftonline.us/", plan.access().authorityHost());
        List<String> dryRun = target.dryRun(request);
        assertTrue(dryRun.get(2).startsWith("to page blob https://acct.blob.core.usgovcloudapi.net/vhds/hello.vhd with"),
                dryRun.toString());
        assertTrue(dryRun.get(4).contains("through Azure Resource Manager at https://management.usgovcloudapi.net with"),
                dryRun.toString());
    }

    @Test
    void china_fillsAConnectionStringsMissingSuffix_butAStringsOwnEndpointWins() throws Exception {
        String key = "AccountKey=a2V5;";
        AzureTarget.Plan plan = new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING",
                "DefaultEndpointsProtocol=https;AccountName=acct;" + key)).plan(request("azurechinacloud"));
        assertEquals("https://acct.blob.core.chinacloudapi.cn/vhds/hello.vhd", plan.url());
        assertEquals("https://management.chinacloudapi.cn", plan.armEndpoint());

        AzureTarget.Plan own = new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING",
                "AccountName=acct;" + key + "BlobEndpoint=http://127.0.0.1:10000/acct")).plan(request("AzureChinaCloud"));
        assertEquals("http://127.0.0.1:10000/acct/vhds/hello.vhd", own.url());
    }

    /** The portal's SAS connection string has no AccountName: the account is its BlobEndpoint's. */
    @Test
    void sasConnectionString_withoutAccountName_takesTheAccountFromItsBlobEndpoint() throws Exception {
        AzureTarget.Plan plan = new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING",
                "BlobEndpoint=https://acct1.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig=c2ln"))
                .plan(request());
        assertEquals("https://acct1.blob.core.windows.net/vhds/hello.vhd", plan.url());
        AzureTarget.Plan emulator = new AzureTarget(Map.of("AZURE_STORAGE_CONNECTION_STRING",
                "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;SharedAccessSignature=sv=2022-11-02&sig=c2ln"))
                .plan(request());
        assertEquals("http://127.0.0.1:10000/devstoreaccount1/vhds/hello.vhd", emulator.url());
        assertFalse(plan.access().hidden("x sv=2022-11-02&ss=b&sig=c2ln y").contains("sig=c2ln"));
    }

    @Test
    void anAccountKeyThatIsNotBase64_isNamedBeforeAnythingIsContacted() {
        JcapException connection = assertThrows(JcapException.class, () -> new AzureTarget(Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=notbase64!!;"))
                .plan(request()));
        assertEquals("AZURE_STORAGE_CONNECTION_STRING has an AccountKey that is not base64 (an account key is 88"
                + " characters of base64): copy the connection string again from the portal or 'az storage account"
                + " show-connection-string'", connection.getMessage());
        JcapException key = assertThrows(JcapException.class, () -> new AzureTarget(Map.of("AZURE_STORAGE_ACCOUNT", "acct",
                "AZURE_STORAGE_KEY", "not base64!")).plan(request()));
        assertEquals("AZURE_STORAGE_KEY is not base64 (an account key is 88 characters of base64): copy it again from"
                + " the portal or 'az storage account keys list'", key.getMessage());
        assertFalse(connection.getMessage().contains("notbase64") || key.getMessage().contains("not base64!"),
                "the key is never shown");
    }

    @Test
    void withoutCloud_isThePublicCloud_andAnAuthorityHostInTheEnvironmentWins() throws Exception {
        AzureTarget.Plan plan = new AzureTarget(Map.of("AZURE_STORAGE_ACCOUNT", "acct")).plan(request());
        assertEquals(AzureCloud.PUBLIC, plan.cloud());
        assertEquals("https://acct.blob.core.windows.net/vhds/hello.vhd", plan.url());
        assertEquals("https://management.azure.com", plan.armEndpoint());
        assertEquals("https://login.microsoftonline.com/", plan.access().authorityHost());

        AzureTarget.Plan stack = new AzureTarget(Map.of("AZURE_STORAGE_ACCOUNT", "acct", "AZURE_AUTHORITY_HOST",
                "https://login.example.test/")).plan(request("AzureUSGovernment"));
        assertEquals("https://login.example.test/", stack.access().authorityHost());
    }

    @Test
    void anUnknownCloud_isRefusedListingTheNames() {
        JcapException e = assertThrows(JcapException.class,
                () -> new AzureTarget(Map.of("AZURE_STORAGE_ACCOUNT", "acct")).plan(request("usgov")));
        assertEquals("--cloud 'usgov' is not an Azure cloud jcap knows: use AzureCloud, AzureUSGovernment, AzureChinaCloud"
                + " (az cloud list)", e.getMessage());
    }
}
