package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.testsupport.OpenStackCloud;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The test cloud's Glance through its plain API, with the test user's token: to check what jcap push left there. */
final class PlainGlance {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final OpenStackCloud cloud;
    private final String token;

    private PlainGlance(OpenStackCloud cloud, String token) {
        this.cloud = cloud;
        this.token = token;
    }

    static PlainGlance login(OpenStackCloud cloud) throws IOException, InterruptedException {
        String body = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \""
                + cloud.user() + "\", \"password\": \"" + cloud.password() + "\", \"domain\": {\"name\": \""
                + cloud.userDomain() + "\"}}}}, \"scope\": {\"project\": {\"name\": \"" + cloud.project()
                + "\", \"domain\": {\"name\": \"" + cloud.projectDomain() + "\"}}}}}";
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(cloud.authUrl() + "/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return new PlainGlance(cloud, response.headers().firstValue("X-Subject-Token").orElseThrow());
    }

    String token() {
        return token;
    }

    /** The project's images called {@code name}. */
    List<JsonNode> named(String name) throws IOException, InterruptedException {
        JsonNode list = JSON.readTree(send(request("/v2/images?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))
                .GET().build(), 200));
        List<JsonNode> images = new ArrayList<>();
        list.path("images").forEach(images::add);
        return images;
    }

    JsonNode get(String id) throws IOException, InterruptedException {
        return JSON.readTree(send(request("/v2/images/" + id).GET().build(), 200));
    }

    byte[] download(String id) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = CLIENT.send(request("/v2/images/" + id + "/file").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** What a push killed after creating its image leaves: a {@code queued} image with jcap's properties and no data. */
    String createQueued(String name) throws IOException, InterruptedException {
        String body = "{\"name\": \"" + name + "\", \"disk_format\": \"qcow2\", \"container_format\": \"bare\","
                + " \"jcap_version\": \"killed\"}";
        return JSON.readTree(send(request("/v2/images").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 201)).path("id").asText();
    }

    void delete(String id) throws IOException, InterruptedException {
        CLIENT.send(request("/v2/images/" + id).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    /** Deletes every image of the project called {@code name}. */
    void deleteNamed(String name) throws IOException, InterruptedException {
        for (JsonNode image : named(name)) {
            delete(image.path("id").asText());
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(cloud.imageUrl() + path)).header("X-Auth-Token", token);
    }

    private static String send(HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), request.method() + " " + request.uri() + ": " + response.body());
        return response.body();
    }
}
