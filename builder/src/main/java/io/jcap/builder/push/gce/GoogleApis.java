package io.jcap.builder.push.gce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The Cloud Storage and Compute Engine calls jcap makes: a resumable upload of an object, deleting
 * it, getting, inserting and deleting an image, and waiting for a global operation.
 */
final class GoogleApis {
    /** Resumable upload chunks are multiples of 256 KiB. */
    static final int CHUNK = 8 << 20;

    private final GoogleHttp http;
    private final URI storage;
    private final URI compute;

    GoogleApis(GoogleHttp http, URI storage, URI compute) {
        this.http = http;
        this.storage = storage;
        this.compute = compute;
    }

    /** Uploads {@code file} as {@code object} of {@code bucket}, giving the total size on every chunk. */
    void upload(String bucket, String object, Path file, EventSink events, String task)
            throws JcapException, InterruptedException, IOException {
        long total = Files.size(file);
        ObjectNode metadata = GoogleHttp.JSON.createObjectNode().put("name", object).put("contentType", "application/gzip");
        GoogleHttp.Answer started = http.send("Cloud Storage", "POST", URI.create(storage + "/upload/storage/v1/b/"
                        + encode(bucket) + "/o?uploadType=resumable&name=" + encode(object)),
                Map.of("Content-Type", "application/json; charset=UTF-8", "X-Upload-Content-Type", "application/gzip",
                        "X-Upload-Content-Length", String.valueOf(total)),
                metadata.toString().getBytes(StandardCharsets.UTF_8), "start an upload to gs://" + bucket, 200, 201);
        URI session = URI.create(started.headers().firstValue("Location").orElseThrow(() -> new JcapException(
                "Cloud Storage started an upload to gs://" + bucket + " without a session Location")));
        byte[] chunk = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            long sent = 0;
            do {
                int n = in.readNBytes(chunk, 0, CHUNK);
                String range = n == 0 ? "bytes */" + total : "bytes " + sent + "-" + (sent + n - 1) + "/" + total;
                http.send("Cloud Storage", "PUT", session, Map.of("Content-Range", range),
                        java.util.Arrays.copyOf(chunk, n), "take bytes " + sent + " of gs://" + bucket + "/" + object,
                        200, 201, 308);
                sent += n;
                events.progress(task, sent, total);
            } while (sent < total);
        }
    }

    void deleteObject(String bucket, String object) throws JcapException, InterruptedException {
        http.send("Cloud Storage", "DELETE", URI.create(storage + "/storage/v1/b/" + encode(bucket) + "/o/" + encode(object)),
                Map.of(), null, "delete gs://" + bucket + "/" + object, 200, 204, 404);
    }

    /** The image {@code name} of {@code project}, if there is one. */
    Optional<JsonNode> image(String project, String name) throws JcapException, InterruptedException {
        GoogleHttp.Answer answer = http.send("Compute Engine", "GET", images(project).resolve("images/" + name), Map.of(),
                null, "look up image " + name, 200, 404);
        return answer.status() == 404 ? Optional.empty() : Optional.of(answer.json());
    }

    /** Inserts an image from {@code body} and waits until it is made. */
    void insertImage(String project, ObjectNode body) throws JcapException, InterruptedException {
        GoogleHttp.Answer answer = http.send("Compute Engine", "POST", images(project).resolve("images"),
                Map.of("Content-Type", "application/json; charset=UTF-8"), body.toString().getBytes(StandardCharsets.UTF_8),
                "insert image " + body.path("name").asText(), 200);
        await(project, answer.json(), "insert image " + body.path("name").asText());
    }

    void deleteImage(String project, String name) throws JcapException, InterruptedException {
        GoogleHttp.Answer answer = http.send("Compute Engine", "DELETE", images(project).resolve("images/" + name), Map.of(),
                null, "delete image " + name, 200);
        await(project, answer.json(), "delete image " + name);
    }

    private void await(String project, JsonNode operation, String what) throws JcapException, InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(30).toNanos();
        for (long wait = 200; !operation.path("status").asText().equals("DONE"); wait = Math.min(5000, wait * 2)) {
            if (System.nanoTime() > deadline) {
                throw new JcapException("Compute Engine did not " + what + " within 30 minutes (operation "
                        + operation.path("name").asText() + ")");
            }
            Thread.sleep(wait);
            operation = http.send("Compute Engine", "GET", images(project).resolve("operations/"
                    + operation.path("name").asText()), Map.of(), null, "report on " + what, 200).json();
        }
        JsonNode errors = operation.path("error").path("errors");
        if (errors.size() > 0) {
            throw new JcapException("Compute Engine failed to " + what + ": " + errors.get(0).path("code").asText() + ": "
                    + errors.get(0).path("message").asText());
        }
    }

    private URI images(String project) {
        return URI.create(compute + "/compute/v1/projects/" + encode(project) + "/global/");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
