package io.jcap.builder.push;

import io.jcap.model.Sha256;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a push made: the remote image's identity and what was sent.
 *
 * @param target the target's name
 * @param remoteId the target's identity of the image (a Glance image ID)
 * @param remoteName the image's name at the target
 * @param bytesSent the bytes sent as the image's content
 * @param sha256 the SHA-256 of the bytes sent
 * @param elapsed how long the push took, authentication and checks included
 * @param replaced the identities of older images of that name that the push removed
 */
public record PushResult(String target, String remoteId, String remoteName, long bytesSent, Sha256 sha256,
                         Duration elapsed, List<String> replaced) {
    public PushResult {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(remoteId, "remoteId");
        Objects.requireNonNull(remoteName, "remoteName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(elapsed, "elapsed");
        replaced = List.copyOf(replaced);
    }

    /** Seconds, to the millisecond. */
    public double seconds() {
        return elapsed.toMillis() / 1000.0;
    }

    /**
     * What {@code --dry-run --json} prints: the target, {@code "dryRun": true} and the plan's lines,
     * parseable like a push's result though nothing was sent.
     */
    public static String dryRunJson(String target, List<String> plan) {
        var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        node.put("target", target).put("dryRun", true);
        plan.forEach(node.putArray("plan")::add);
        return node.toString();
    }

    /** The result as one JSON object (what {@code jcap push --json} prints). */
    public String toJson() {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var node = mapper.createObjectNode();
        node.put("target", target).put("id", remoteId).put("name", remoteName).put("bytesSent", bytesSent)
                .put("sha256", sha256.hex()).put("seconds", seconds());
        replaced.forEach(node.putArray("replaced")::add);
        return node.toString();
    }
}
