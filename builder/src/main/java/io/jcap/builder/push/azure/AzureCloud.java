package io.jcap.builder.push.azure;

import com.azure.identity.AzureAuthorityHosts;
import io.jcap.model.JcapException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Azure clouds a push can go to (its {@code --cloud}), named as {@code az cloud list} names
 * them: each has its own Resource Manager, sign-in (authority) host and storage endpoint suffix.
 * An {@code AZURE_AUTHORITY_HOST} in the environment still wins over the cloud's sign-in host, as
 * the Azure SDK's tools have it.
 *
 * <pre>{@code
 * AzureCloud cloud = AzureCloud.named("AzureUSGovernment");
 * cloud.resourceManager();   // https://management.usgovcloudapi.net
 * cloud.blobEndpoint("acct"); // https://acct.blob.core.usgovcloudapi.net
 * }</pre>
 */
enum AzureCloud {
    PUBLIC("AzureCloud", "https://management.azure.com", AzureAuthorityHosts.AZURE_PUBLIC_CLOUD, "core.windows.net"),
    US_GOVERNMENT("AzureUSGovernment", "https://management.usgovcloudapi.net", AzureAuthorityHosts.AZURE_GOVERNMENT,
            "core.usgovcloudapi.net"),
    CHINA("AzureChinaCloud", "https://management.chinacloudapi.cn", AzureAuthorityHosts.AZURE_CHINA,
            "core.chinacloudapi.cn");

    private final String cloudName;
    private final String resourceManager;
    private final String authorityHost;
    private final String storageSuffix;

    AzureCloud(String cloudName, String resourceManager, String authorityHost, String storageSuffix) {
        this.cloudName = cloudName;
        this.resourceManager = resourceManager;
        this.authorityHost = authorityHost;
        this.storageSuffix = storageSuffix;
    }

    /** The cloud of {@code --cloud NAME} (any case), or the public cloud without one. */
    static AzureCloud of(Optional<String> name) throws JcapException {
        return name.isEmpty() ? PUBLIC : named(name.get());
    }

    static AzureCloud named(String name) throws JcapException {
        for (AzureCloud cloud : values()) {
            if (cloud.cloudName.equalsIgnoreCase(name.strip())) {
                return cloud;
            }
        }
        throw JcapException.usage("--cloud '" + name + "' is not an Azure cloud jcap knows: use "
                + Arrays.stream(values()).map(c -> c.cloudName).collect(Collectors.joining(", ")) + " (az cloud list)");
    }

    /** Resource Manager's URL, without a trailing slash. */
    String resourceManager() {
        return resourceManager;
    }

    /** The storage account's Blob service in this cloud. */
    String blobEndpoint(String account) {
        return "https://" + account + ".blob." + storageSuffix;
    }

    /** What a connection string's {@code EndpointSuffix} defaults to in this cloud. */
    String storageSuffix() {
        return storageSuffix;
    }

    /** The sign-in host: {@code AZURE_AUTHORITY_HOST} when {@code env} sets it, else this cloud's. */
    String authorityHost(Map<String, String> env) {
        String set = env.get("AZURE_AUTHORITY_HOST");
        return set != null && !set.isBlank() ? set : authorityHost;
    }
}
