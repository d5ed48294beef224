package io.jcap.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of push target {@code gce}; each goes to the target by its name without dashes. */
final class GcePushOptions {
    @Option(names = "--project", paramLabel = "ID", description = "GCE: the Google Cloud project.")
    String project;

    @Option(names = "--bucket", paramLabel = "NAME", description = "GCE: the Cloud Storage bucket the tar.gz goes through.")
    String bucket;

    @Option(names = "--family", paramLabel = "NAME", description = "GCE: the image family.")
    String family;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "GCE: an image label; more than once.")
    List<String> labels = List.of();

    @Option(names = "--keep-object", description = "GCE: keep the tar.gz in the bucket after the image is made.")
    boolean keepObject;

    void addTo(Map<String, List<String>> options) {
        if (project != null) {
            options.put("project", List.of(project));
        }
        if (bucket != null) {
            options.put("bucket", List.of(bucket));
        }
        if (family != null) {
            options.put("family", List.of(family));
        }
        if (labels != null && !labels.isEmpty()) {
            options.put("label", labels);
        }
        if (keepObject) {
            options.put("keep-object", List.of(""));
        }
    }
}
