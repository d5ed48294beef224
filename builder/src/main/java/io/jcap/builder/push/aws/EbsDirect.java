package io.jcap.builder.push.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three calls of the EBS direct API jcap makes (REST with JSON, API version 2019-11-02):
 * {@code StartSnapshot}, {@code PutSnapshotBlock} and {@code CompleteSnapshot}.
 */
final class EbsDirect {
    /** The EBS direct API's only block size. */
    static final int BLOCK = 512 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SignedHttp http;
    private final URI endpoint;

    EbsDirect(SignedHttp http, URI endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    /** {@code POST /snapshots}: a new snapshot of {@code gib} GiB; returns its ID. */
    String start(long gib, String clientToken, String description, Map<String, String> tags)
            throws JcapException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("VolumeSize", gib).put("ClientToken", clientToken)
                .put("Description", description).put("Timeout", 60);
        var array = body.putArray("Tags");
        tags.forEach((k, v) -> array.addObject().put("Key", k).put("Value", v));
        SignedHttp.Answer answer = http.send("ebs", "POST", endpoint.resolve("/snapshots"),
                Map.of("Content-Type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8),
                "start a snapshot");
        String id = json(answer).path("SnapshotId").asText("");
        if (id.isEmpty()) {
            throw new JcapException("EBS at " + endpoint + " started a snapshot without a SnapshotId: " + answer.body());
        }
        return id;
    }

    /** {@code PUT /snapshots/ID/blocks/INDEX}: one 512 KiB block with its SHA-256. */
    void put(String snapshot, long index, byte[] block, byte[] sha256) throws JcapException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        headers.put("x-amz-Data-Length", String.valueOf(BLOCK));
        headers.put("x-amz-Checksum", Base64.getEncoder().encodeToString(sha256));
        headers.put("x-amz-Checksum-Algorithm", "SHA256");
        http.send("ebs", "PUT", endpoint.resolve("/snapshots/" + snapshot + "/blocks/" + index), headers, block,
                "take block " + index + " of snapshot " + snapshot);
    }

    /**
     * {@code POST /snapshots/completion/ID}: the snapshot is complete with {@code blocks} blocks, whose
     * SHA-256s, concatenated in the order of their indexes, have the SHA-256 {@code linear}.
     */
    void complete(String snapshot, int blocks, byte[] linear) throws JcapException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-ChangedBlocksCount", String.valueOf(blocks));
        headers.put("x-amz-Checksum", Base64.getEncoder().encodeToString(linear));
        headers.put("x-amz-Checksum-Algorithm", "SHA256");
        headers.put("x-amz-Checksum-Aggregation-Method", "LINEAR");
        http.send("ebs", "POST", endpoint.resolve("/snapshots/completion/" + snapshot), headers, new byte[0],
                "complete snapshot " + snapshot);
    }

    private JsonNode json(SignedHttp.Answer answer) throws JcapException {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new JcapException("EBS at " + endpoint + " answered with no JSON: " + e.getMessage(), e);
        }
    }
}
