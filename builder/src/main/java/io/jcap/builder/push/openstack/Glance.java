package io.jcap.builder.push.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.push.Secret;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Glance's image API v2, as far as a push needs it: find, create, upload, read and delete images. */
final class Glance {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final OpenStackHttp http;
    private final String endpoint;
    private final Secret token;

    /** A client of the Glance at {@code endpoint} (the catalog's URL, with or without {@code /v2}). */
    Glance(OpenStackHttp http, String endpoint, Secret token) {
        this.http = http;
        this.endpoint = endpoint.replaceAll("/+$", "").replaceAll("/v2(\\.\\d+)?$", "");
        this.token = token;
    }

    /**
     * An image as Glance describes it.
     *
     * @param hash the {@code os_hash_value} (SHA-512 on a Glance of today); empty until uploaded
     * @param jcap whether jcap made it (it carries {@code jcap_version})
     */
    record RemoteImage(String id, String name, String status, long size, String hash, boolean jcap) {
        static RemoteImage of(JsonNode node) {
            return new RemoteImage(node.path("id").asText(), node.path("name").asText(), node.path("status").asText(),
                    node.path("size").asLong(-1), node.path("os_hash_value").asText(""), node.has("jcap_version"));
        }
    }

    String endpoint() {
        return endpoint;
    }

    /** The images called {@code name} that project {@code owner} owns. */
    List<RemoteImage> named(String name, String owner) throws JcapException, InterruptedException {
        String query = "?limit=1000&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "&owner=" + URLEncoder.encode(owner, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send("Glance", request("/v2/images" + query).GET().build());
        if (response.statusCode() != 200) {
            throw http.refused("Glance at " + endpoint, "the list of images named '" + name + "'", response);
        }
        List<RemoteImage> images = new ArrayList<>();
        for (JsonNode node : http.json("Glance", response).path("images")) {
            images.add(RemoteImage.of(node));
        }
        return images;
    }

    /** Creates an image record (status {@code queued}) from {@code body}. */
    RemoteImage create(ObjectNode body) throws JcapException, InterruptedException {
        HttpResponse<String> response = http.send("Glance", request("/v2/images")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
        if (response.statusCode() != 201) {
            throw http.refused("Glance at " + endpoint, "to create image '" + body.path("name").asText() + "'", response);
        }
        return RemoteImage.of(http.json("Glance", response));
    }

    /** Uploads the image's data: {@code PUT /v2/images/ID/file}, streamed from {@code file}. */
    long upload(String id, Path file, EventSink events, String task)
            throws JcapException, InterruptedException, IOException {
        return StreamedUpload.put(http, URI.create(endpoint + "/v2/images/" + id), token.reveal(), file, events, task);
    }

    RemoteImage get(String id) throws JcapException, InterruptedException {
        HttpResponse<String> response = http.send("Glance", request("/v2/images/" + id).GET().build());
        if (response.statusCode() != 200) {
            throw http.refused("Glance at " + endpoint, "to describe image " + id, response);
        }
        return RemoteImage.of(http.json("Glance", response));
    }

    /** Deletes image {@code id}; one that is gone already counts as deleted. */
    void delete(String id) throws JcapException, InterruptedException {
        HttpResponse<String> response = http.send("Glance", request("/v2/images/" + id).DELETE().build());
        if (response.statusCode() != 204 && response.statusCode() != 404) {
            throw http.refused("Glance at " + endpoint, "to delete image " + id, response);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(REQUEST_TIMEOUT)
                .header("X-Auth-Token", token.reveal()).header("Accept", "application/json");
    }
}
