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

    void addTo(Map<String, List<String>> options) {
        if (storageAccount != null) {
            options.put("storage-account", List.of(storageAccount));
        }
        if (container != null) {
            options.put("container", List.of(container));
        }
    }
}
