package io.jcap.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of push target {@code aws}; each goes to the target by its name without dashes. */
final class AwsPushOptions {
    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS: the region (default: the SDK's: AWS_REGION, the profile's region).")
    String region;

    @Option(names = "--description", paramLabel = "TEXT", description = "AWS: the AMI's description.")
    String description;

    @Option(names = "--boot-mode", paramLabel = "MODE", description = "AWS: legacy-bios, uefi or uefi-preferred (the default for images that boot under both;"
            + " legacy-bios for others).")
    String bootMode;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "AWS: a tag of the AMI and its snapshot; more than once.")
    List<String> tags = List.of();

    void addTo(Map<String, List<String>> options) {
        if (region != null) {
            options.put("region", List.of(region));
        }
        if (description != null) {
            options.put("description", List.of(description));
        }
        if (bootMode != null) {
            options.put("boot-mode", List.of(bootMode));
        }
        if (tags != null && !tags.isEmpty()) {
            options.put("tag", tags);
        }
    }
}
