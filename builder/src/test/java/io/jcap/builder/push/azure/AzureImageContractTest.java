package io.jcap.builder.push.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.push.SampleQcow2;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed-image step of the Azure target against {@link ArmStandIn}, a stand-in over HTTPS for
 * Microsoft's token endpoint and Azure Resource Manager's {@code Microsoft.Compute/images} that
 * follows their API references for the calls jcap makes (no Azure subscription can be used in
 * tests). The credential is the Azure SDK's {@code DefaultAzureCredential} reading
 * {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_SECRET} and
 * {@code AZURE_AUTHORITY_HOST} from the target's environment; the blob part is tested against
 * Azurite ({@code AzureTargetIT}).
 */
class AzureImageContractTest {
    static final String SUBSCRIPTION = "8f3c2a91-5d4e-4b7a-9c1f-0e2d3b4a5c6d";
    static final String BLOB = "https://acct.blob.core.windows.net/vhds/hello.vhd";
    @TempDir
    static Path shared;
    static StoredImage image;

    @TempDir
    Path temp;
    ArmStandIn azure;
    final RecordedEvents events = new RecordedEvents();

    @BeforeAll
    static void image() throws Exception {
        image = SampleImages.hello(SampleQcow2.write(shared));
    }

    @BeforeEach
    void standIn() throws Exception {
        azure = new ArmStandIn(temp);
    }

    @AfterEach
    void stop() {
        azure.close();
    }

    private Map<String, String> env(String secret) {
        return Map.of("AZURE_CLIENT_ID", ArmStandIn.CLIENT_ID, "AZURE_TENANT_ID", ArmStandIn.TENANT,
                "AZURE_CLIENT_SECRET", secret, "AZURE_AUTHORITY_HOST", azure.url(), "AZURE_SUBSCRIPTION_ID", SUBSCRIPTION);
    }

    private HttpClient http() {
        return new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(azure.clientTls())).build();
    }

    private ManagedImages images(String endpoint, String secret) {
        return ManagedImages.connect(env(secret), endpoint, http(), AzureCloud.PUBLIC);
    }

    private static PushRequest request() {
        return PushRequest.of(image, "azure").withOption("container", "vhds").withOption("resource-group", "web")
                .withOption("location", "westeurope");
    }

    private ManagedImagePlan plan(PushRequest request) throws JcapException {
        return ManagedImagePlan.of(request, env(ArmStandIn.CLIENT_SECRET)).orElseThrow();
    }

    private static String id(String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/web/providers/Microsoft.Compute/images/" + name;
    }

    @Test
    void make_putsTheImageFromTheBlob_pollsItsOperation_withTheClientCredentialsToken() throws Exception {
        ManagedImagePlan plan = plan(request());
        ImageStep step = ImageStep.check(plan, images(azure.url(), ArmStandIn.CLIENT_SECRET), false);

        String made = step.make(BLOB, Map.of("jcap_image", "hello"), events);

        assertEquals(id("hello"), made);
        assertEquals(List.of("token", "GET image", "PUT image", "GET operations", "GET operations", "GET operations",
                "GET image"), azure.calls);
        assertEquals(new ObjectMapper().readTree("{\"location\":\"westeurope\",\"tags\":{\"jcap_image\":\"hello\"},"
                + "\"properties\":{\"hyperVGeneration\":\"V2\",\"storageProfile\":{\"osDisk\":{\"osType\":\"Linux\","
                + "\"osState\":\"Generalized\",\"blobUri\":\"" + BLOB + "\"}}}}"), azure.putBodies.get(0));
        Map<String, String> form = azure.tokenForms.get(0);
        assertEquals("client_credentials", form.get("grant_type"));
        assertTrue(form.get("scope").contains(azure.url() + "/.default"), form.get("scope"));
        assertEquals("Succeeded", azure.images.get(id("hello")).path("properties").path("provisioningState").asText());
        assertEquals(Optional.empty(), step.replaced());
        assertTrue(events.lines().stream().anyMatch(l -> l.contains("Creating managed image " + id("hello")
                + " (westeurope, Hyper-V generation V2) from " + BLOB)), events.lines().toString());
    }

    @Test
    void plan_generationFollowsTheImage_andV1CanBeAsked() throws Exception {
        assertEquals("V2", plan(request()).generation());
        assertEquals("V1", plan(request().withOption("hyper-v-generation", "V1")).generation());
        assertEquals("hello-1", plan(request().withRemoteName("hello-1")).name());
        assertEquals("img", plan(request().withRemoteName("hello-1").withOption("image-name", "img")).name());
        assertEquals(SUBSCRIPTION, plan(request()).subscription());
        String other = "00000000-1111-2222-3333-444444444444";
        assertEquals(other, plan(request().withOption("subscription", other)).subscription());
        assertEquals(Optional.empty(), ManagedImagePlan.of(PushRequest.of(image, "azure"), env("x")));
    }

    @Test
    void plan_badValues_areRefusedNamingTheValueAndWhatIsAllowed() {
        assertEquals("a managed image needs --location REGION: the Azure region of the storage account (e.g. westeurope)",
                refused(PushRequest.of(image, "azure").withOption("resource-group", "web")));
        assertEquals("--location 'West Europe' is not an Azure region name as Resource Manager writes it: lower-case letters"
                + " and digits, e.g. westeurope, eastus2 (az account list-locations)",
                refused(PushRequest.of(image, "azure").withOption("resource-group", "web").withOption("location", "West Europe")));
        assertEquals("--location is for the managed image, which needs --resource-group NAME too (and --location)",
                refused(PushRequest.of(image, "azure").withOption("location", "westeurope")));
        assertEquals("--hyper-v-generation 'V3' is not a Hyper-V generation: V1 (BIOS) or V2 (UEFI)",
                refused(request().withOption("hyper-v-generation", "V3")));
        assertEquals("subscription 'my-sub' is not a subscription ID: a GUID like 00000000-0000-0000-0000-000000000000"
                + " (az account show --query id)", refused(request().withOption("subscription", "my-sub")));
        assertEquals("--image-name 'hello.' is not a managed image name: 1 to 80 letters, digits, '_', '-' and '.', starting"
                + " with a letter or digit and ending with a letter, digit or '_'",
                refused(request().withOption("image-name", "hello.")));
        assertEquals("--resource-group 'web.' is not a resource group name: 1 to 90 letters, digits, '_', '-', '.', '('"
                + " and ')', not ending with '.'", refused(PushRequest.of(image, "azure").withOption("resource-group", "web.")));
        JcapException noSubscription = assertThrows(JcapException.class, () -> ManagedImagePlan.of(request(), Map.of()));
        assertEquals("a managed image needs the subscription: give --subscription ID or set AZURE_SUBSCRIPTION_ID"
                + " (az account show --query id)", noSubscription.getMessage());
    }

    @Test
    void plan_v2ForAnImageThatCannotBootUnderUefi_isRefused() throws Exception {
        var metadata = image.metadata();
        StoredImage osv = new StoredImage(io.jcap.builder.repository.ImageMetadata.builder("osvapp")
                .created(metadata.created()).inputsDigest(metadata.inputsDigest()).streamDigest(metadata.streamDigest())
                .kernel("osv", metadata.inputsDigest()).cmdline("/app").fs("rofs")
                .disk(metadata.virtualSize(), metadata.diskSize(), metadata.imageSha256()).accelerator("tcg")
                .runDefaults(128, 1, List.of()).guestProtocol(metadata.guestProtocol()).build(), image.file());
        PushRequest request = PushRequest.of(osv, "azure").withOption("resource-group", "web").withOption("location", "eastus2");
        assertEquals("V1", ManagedImagePlan.of(request, env("x")).orElseThrow().generation());
        JcapException e = assertThrows(JcapException.class,
                () -> ManagedImagePlan.of(request.withOption("hyper-v-generation", "V2"), env("x")));
        assertEquals("--hyper-v-generation V2 boots under UEFI, which image 'osvapp' cannot (only Linux images built with an"
                + " EFI system partition can): use V1", e.getMessage());
    }

    @Test
    void check_existingImageWithoutReplace_isRefusedNamingIt_beforeAnythingIsMade() throws Exception {
        azure.addImage(SUBSCRIPTION, "web", "hello");
        JcapException e = assertThrows(JcapException.class,
                () -> ImageStep.check(plan(request()), images(azure.url(), ArmStandIn.CLIENT_SECRET), false));
        assertEquals("resource group 'web' has an image named 'hello' already: " + id("hello")
                + "; push with --replace to replace it, or pick another --image-name", e.getMessage());
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals(List.of("token", "GET image"), azure.calls);
    }

    @Test
    void make_withReplace_deletesTheOlderImageFirst_followingItsLocation() throws Exception {
        azure.addImage(SUBSCRIPTION, "web", "hello");
        ImageStep step = ImageStep.check(plan(request()), images(azure.url(), ArmStandIn.CLIENT_SECRET), true);

        assertEquals(id("hello"), step.make(BLOB, Map.of(), events));

        assertEquals(List.of("token", "GET image", "DELETE image", "GET deletions", "GET deletions", "GET deletions",
                "PUT image", "GET operations", "GET operations", "GET operations", "GET image"), azure.calls);
        assertEquals(Optional.of(id("hello")), step.replaced());
        assertEquals(BLOB, azure.putBodies.get(0).path("properties").path("storageProfile").path("osDisk")
                .path("blobUri").asText());
    }

    @Test
    void make_serverErrorThenThrottled_isTriedAgain() throws Exception {
        azure.fail("PUT image", 500, "InternalServerError");
        azure.fail("GET operations", 429, "TooManyRequests");
        azure.pollsInProgress = 0;
        ImageStep step = ImageStep.check(plan(request()), images(azure.url(), ArmStandIn.CLIENT_SECRET), false);

        assertEquals(id("hello"), step.make(BLOB, Map.of(), events));

        assertEquals(List.of("token", "GET image", "PUT image", "PUT image", "GET operations", "GET operations",
                "GET image"), azure.calls);
    }

    @Test
    void make_forbidden_isExit1WithResourceManagersMessage_andNoSecretAnywhere() throws Exception {
        azure.fail("PUT image", 403, "AuthorizationFailed");
        ImageStep step = ImageStep.check(plan(request()), images(azure.url(), ArmStandIn.CLIENT_SECRET), false);

        JcapException e = assertThrows(JcapException.class, () -> step.make(BLOB, Map.of(), events));

        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals("Azure Resource Manager at " + azure.url() + " refused to create image 'hello' in resource group 'web'"
                + " (HTTP 403, AuthorizationFailed): The client '" + ArmStandIn.CLIENT_ID + "' with object id '"
                + ArmStandIn.CLIENT_ID + "' does not have authorization to perform action 'Microsoft.Compute/images/write'"
                + " over scope '" + id("hello") + "' or the scope is invalid.", e.getMessage());
        assertEquals(List.of("token", "GET image", "PUT image", "GET image"), azure.calls);
        assertNoSecret(e);
    }

    @Test
    void make_operationFailed_isExit1WithItsError_andDeletesWhatItLeft() throws Exception {
        azure.creationFailure = new String[] {"InvalidParameter", "The specified blob is not a fixed VHD."};
        azure.pollsInProgress = 1;
        ImageStep step = ImageStep.check(plan(request()), images(azure.url(), ArmStandIn.CLIENT_SECRET), false);

        JcapException e = assertThrows(JcapException.class, () -> step.make(BLOB, Map.of(), events));

        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals("Azure could not create image 'hello' in resource group 'web' (operation Failed, InvalidParameter):"
                + " The specified blob is not a fixed VHD.", e.getMessage());
        assertFalse(azure.images.containsKey(id("hello")), "the failed image is deleted");
        assertTrue(azure.calls.contains("DELETE image"), azure.calls.toString());
        assertNoSecret(e);
    }

    @Test
    void check_resourceManagerUnreachable_isExit3() throws Exception {
        int closed = closedPort();
        JcapException e = assertThrows(JcapException.class, () -> ImageStep.check(plan(request()),
                images("https://127.0.0.1:" + closed, ArmStandIn.CLIENT_SECRET), false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("cannot reach Azure Resource Manager at https://127.0.0.1:" + closed + ": "),
                e.getMessage());
        assertNoSecret(e);
    }

    @Test
    void check_wrongClientSecret_isExit1_andTheSecretIsInNoMessage() throws Exception {
        String wrong = "Wr0ng~client-secret-9876543210";
        JcapException e = assertThrows(JcapException.class,
                () -> ImageStep.check(plan(request()), images(azure.url(), wrong), false));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("no Azure credentials for Resource Manager through DefaultAzureCredential"),
                e.getMessage());
        assertTrue(e.getMessage().contains("AADSTS7000215") || e.getMessage().contains("invalid_client"), e.getMessage());
        assertFalse(trace(e).contains(wrong), "the wrong secret appears in the error");
        assertFalse(azure.calls.contains("GET image"), "no call without a token");
        assertNoSecret(e);
    }

    @Test
    void check_tokenEndpointUnreachable_isExit3() throws Exception {
        int closed = closedPort();
        Map<String, String> env = new java.util.HashMap<>(env(ArmStandIn.CLIENT_SECRET));
        env.put("AZURE_AUTHORITY_HOST", "https://127.0.0.1:" + closed);
        JcapException e = assertThrows(JcapException.class, () -> ImageStep.check(plan(request()),
                ManagedImages.connect(env, azure.url(), http(), AzureCloud.PUBLIC), false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot get a token for Azure Resource Manager: "), e.getMessage());
        assertEquals(List.of(), azure.calls);
        assertNoSecret(e);
    }

    @Test
    void dryRun_saysWhatItWouldMake_andContactsNothing() throws Exception {
        AzureTarget target = new AzureTarget(Map.of("AZURE_STORAGE_ACCOUNT", "acct", "AZURE_SUBSCRIPTION_ID", SUBSCRIPTION),
                azure.url(), http());
        List<String> lines = target.dryRun(request().withReplace(true));
        assertEquals("then managed image " + id("hello") + " in westeurope (Linux, generalized, Hyper-V generation V2)"
                + " from " + BLOB + " through Azure Resource Manager at " + azure.url() + " with DefaultAzureCredential",
                lines.get(4));
        assertEquals("deleting an image of that name first (a resource group holds one image of a name)", lines.get(5));
        assertEquals(List.of(), azure.calls);
    }

    /** A port of 127.0.0.1 nothing listens on. */
    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private String trace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private void assertNoSecret(JcapException e) {
        String all = trace(e) + String.join("\n", events.lines());
        assertFalse(all.contains(ArmStandIn.CLIENT_SECRET), "the client secret appears in the output");
        assertFalse(all.contains(ArmStandIn.TOKEN), "the token appears in the output");
    }

    private String refused(PushRequest request) {
        return assertThrows(JcapException.class, () -> ManagedImagePlan.of(request, env("x"))).getMessage();
    }
}
