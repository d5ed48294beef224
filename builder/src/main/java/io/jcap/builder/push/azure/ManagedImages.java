package io.jcap.builder.push.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.identity.AzureAuthorityHosts;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.push.Secret;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Managed images ({@code Microsoft.Compute/images}) made from a page blob through Azure Resource
 * Manager: look one up by name, delete it, create one from the blob's VHD (Linux, generalized,
 * the Hyper-V generation of the plan) and wait until Azure has made it.
 *
 * <pre>{@code
 * ManagedImages images = ManagedImages.connect(System.getenv(), AzureCloud.PUBLIC.resourceManager(), HttpClient.createDefault(),
 *         AzureCloud.PUBLIC);
 * String id = images.create(plan, "https://acct.blob.core.windows.net/vhds/hello.vhd", Map.of("jcap_image", "hello"), events);
 * }</pre>
 */
final class ManagedImages {
    /** The Compute API version of the calls, whose reference the calls follow. */
    static final String API_VERSION = "2024-07-01";
    private static final Set<String> MICROSOFT_AUTHORITIES = Set.of(AzureAuthorityHosts.AZURE_PUBLIC_CLOUD,
            AzureAuthorityHosts.AZURE_CHINA, AzureAuthorityHosts.AZURE_GERMANY, AzureAuthorityHosts.AZURE_GOVERNMENT);

    private final ResourceManager arm;

    ManagedImages(ResourceManager arm) {
        this.arm = arm;
    }

    /**
     * Images through the Resource Manager at {@code endpoint}, with the Azure SDK's
     * {@code DefaultAzureCredential} reading {@code env} as its environment and signing in at
     * {@code cloud}'s authority host unless {@code AZURE_AUTHORITY_HOST} names another. An
     * {@code AZURE_AUTHORITY_HOST} that is none of Microsoft's clouds' (Azure Stack, a private
     * cloud) is used without MSAL's instance discovery, which only knows Microsoft's.
     */
    static ManagedImages connect(Map<String, String> env, String endpoint, HttpClient http, AzureCloud cloud) {
        Map<String, String> copy = Map.copyOf(env);
        Configuration configuration = new ConfigurationBuilder(source -> Map.of(), source -> Map.of(), source -> copy).build();
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().configuration(configuration).httpClient(http);
        String authority = cloud.authorityHost(copy);
        builder.authorityHost(authority);
        String slashed = authority.endsWith("/") ? authority : authority + "/";
        if (!MICROSOFT_AUTHORITIES.contains(slashed)) {
            builder.disableInstanceDiscovery();
        }
        TokenCredential credential = builder.build();
        List<Secret> secrets = Stream.of("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_PASSWORD")
                .map(copy::get).filter(v -> v != null && !v.isEmpty()).map(Secret::new).toList();
        return new ManagedImages(new ResourceManager(endpoint, credential, http, secrets));
    }

    String endpoint() {
        return arm.endpoint();
    }

    /** The ID of the image the plan names, if the resource group has one. */
    Optional<String> existing(ManagedImagePlan plan) throws JcapException, InterruptedException {
        ResourceManager.Answer answer = arm.call(HttpMethod.GET, url(plan), null,
                "look up image '" + plan.name() + "' in resource group '" + plan.resourceGroup() + "'", 200, 404);
        return answer.status() == 404 ? Optional.empty()
                : Optional.of(answer.body().path("id").asText(plan.resourceId()));
    }

    /** Deletes the image the plan names and waits until it is gone. */
    void delete(ManagedImagePlan plan, EventSink events) throws JcapException, InterruptedException {
        String what = "delete image '" + plan.name() + "' of resource group '" + plan.resourceGroup() + "'";
        events.info("Deleting managed image " + plan.resourceId());
        ResourceManager.Answer answer = arm.call(HttpMethod.DELETE, url(plan), null, what, 200, 202, 204);
        if (answer.status() == 202) {
            arm.await(answer, url(plan), what);
        }
    }

    /**
     * Creates the image the plan names from the fixed VHD at {@code blobUrl} with {@code tags}, and
     * waits until Azure reports it made.
     *
     * @return the image's ID
     */
    String create(ManagedImagePlan plan, String blobUrl, Map<String, String> tags, EventSink events)
            throws JcapException, InterruptedException {
        String what = "create image '" + plan.name() + "' in resource group '" + plan.resourceGroup() + "'";
        events.info("Creating managed image " + plan.resourceId() + " (" + plan.location() + ", Hyper-V generation "
                + plan.generation() + ") from " + blobUrl);
        ResourceManager.Answer answer = arm.call(HttpMethod.PUT, url(plan), body(plan, blobUrl, tags), what, 200, 201);
        arm.await(answer, url(plan), what);
        JsonNode made = arm.call(HttpMethod.GET, url(plan), null, "look up image '" + plan.name() + "'", 200).body();
        String state = made.path("properties").path("provisioningState").asText();
        if (!state.equals("Succeeded")) {
            throw new JcapException("Azure reported the operation to " + what + " done, but the image's provisioningState is '"
                    + state + "'");
        }
        return made.path("id").asText(plan.resourceId());
    }

    /** The body of {@code Images - Create Or Update} for an image from a blob. */
    static ObjectNode body(ManagedImagePlan plan, String blobUrl, Map<String, String> tags) {
        ObjectNode body = ResourceManager.JSON.createObjectNode().put("location", plan.location());
        ObjectNode tagNode = body.putObject("tags");
        tags.forEach(tagNode::put);
        ObjectNode properties = body.putObject("properties").put("hyperVGeneration", plan.generation());
        properties.putObject("storageProfile").putObject("osDisk").put("osType", "Linux").put("osState", "Generalized")
                .put("blobUri", blobUrl);
        return body;
    }

    private static String url(ManagedImagePlan plan) {
        return plan.resourceId() + "?api-version=" + API_VERSION;
    }
}
