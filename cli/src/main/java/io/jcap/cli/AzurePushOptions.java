package io.jcap.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of push target {@code azure}; each goes to the target by its name without dashes. */
final class AzurePushOptions {
    @Option(names = "--storage-account", paramLabel = "NAME",
            description = "Azure: the storage account (default: AZURE_STORAGE_ACCOUNT, or the connection string's).")
    String storageAccount;

    @Option(names = "--container", paramLabel = "NAME", description = "Azure: the blob container the VHD goes into.")
    String container;

    @Option(names = "--resource-group", paramLabel = "NAME",
            description = "Azure: also make a managed image from the blob, in this resource group.")
    String resourceGroup;

    @Option(names = "--location", paramLabel = "REGION",
            description = "Azure: the managed image's region, the storage account's (e.g. westeurope).")
    String location;

    @Option(names = "--image-name", paramLabel = "NAME", description = "Azure: the managed image's name (default: --name).")
    String imageName;

    @Option(names = "--hyper-v-generation", paramLabel = "V1|V2",
            description = "Azure: the managed image's generation (default: V2 for images that boot under UEFI, else V1).")
    String hyperVGeneration;

    @Option(names = "--subscription", paramLabel = "ID",
            description = "Azure: the managed image's subscription (default: AZURE_SUBSCRIPTION_ID).")
    String subscription;

    void addTo(Map<String, List<String>> options) {
        put(options, "resource-group", resourceGroup);
        put(options, "location", location);
        put(options, "image-name", imageName);
        put(options, "hyper-v-generation", hyperVGeneration);
        put(options, "subscription", subscription);
        if (storageAccount != null) {
            options.put("storage-account", List.of(storageAccount));
        }
        if (container != null) {
            options.put("container", List.of(container));
        }
    }

    private static void put(Map<String, List<String>> options, String name, String value) {
        if (value != null) {
            options.put(name, List.of(value));
        }
    }
}
