package io.jcap.builder.push.gce;

import static io.jcap.builder.push.JsonReplies.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in on 127.0.0.1 for what jcap calls of Google Cloud, as the API references document it:
 * OAuth 2.0's token endpoint (the JWT bearer grant of a service account key), Cloud Storage's JSON
 * API resumable upload (sessions, {@code Content-Range} with the total, 308 until complete) and
 * object deletion, and Compute Engine's images get, insert and delete with global operations. It
 * stands for a real Google Cloud project, which tests cannot have; it checks the bearer token on
 * every call and the chunks' ranges, not the JWT's signature.
 */
final class GceStandIn implements AutoCloseable {
    static final String TOKEN = "ya29.stand-in-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
    private final HttpServer server;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Objects stored, by "bucket/name". */
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final Map<String, JsonNode> images = new ConcurrentHashMap<>();
    /** Answers to give once before the normal one, by call: a status. */
    final Map<String, List<Integer>> faults = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> sessions = new ConcurrentHashMap<>();
    private int operations;

    GceStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void fail(String call, int status) {
        faults.computeIfAbsent(call, k -> Collections.synchronizedList(new ArrayList<>())).add(status);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getRawPath();
            if (path.equals("/token")) {
                calls.add("token");
                String form = new String(body, StandardCharsets.UTF_8);
                if (!form.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")) {
                    send(x, 400, "{\"error\":\"unsupported_grant_type\"}");
                    return;
                }
                send(x, 200, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
                return;
            }
            if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                send(x, 401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\"}}");
                return;
            }
            String call = method + " " + path.replaceAll("\\?.*", "");
            if (path.startsWith("/upload/resumable/")) {
                call = "PUT session";
            }
            calls.add(call);
            List<Integer> queue = faults.get(call);
            if (queue != null && !queue.isEmpty()) {
                int status = queue.remove(0);
                send(x, status, "{\"error\":{\"code\":" + status + ",\"message\":\"injected\"}}");
                return;
            }
            route(x, method, path, x.getRequestURI().getRawQuery(), body);
        } catch (Exception e) {
            send(x, 500, "{\"error\":{\"code\":500,\"message\":\"" + e + "\"}}");
        }
    }

    private void route(HttpExchange x, String method, String path, String query, byte[] body) throws IOException {
        Matcher image = Pattern.compile("/compute/v1/projects/([^/]+)/global/images(?:/([^/]+))?").matcher(path);
        Matcher operation = Pattern.compile("/compute/v1/projects/([^/]+)/global/operations/([^/]+)").matcher(path);
        if (method.equals("POST") && path.matches("/upload/storage/v1/b/[^/]+/o") && query.contains("uploadType=resumable")) {
            String bucket = path.split("/")[5];
            String name = URLDecoder.decode(query.replaceAll(".*name=([^&]*).*", "$1"), StandardCharsets.UTF_8);
            String session = "/upload/resumable/" + bucket + "/" + name;
            sessions.put(session, new ByteArrayOutputStream());
            x.getResponseHeaders().add("Location", url() + session);
            send(x, 200, "");
        } else if (method.equals("PUT") && sessions.containsKey(path)) {
            Matcher range = RANGE.matcher(String.valueOf(x.getRequestHeaders().getFirst("Content-Range")));
            ByteArrayOutputStream data = sessions.get(path);
            if (!range.matches() || Long.parseLong(range.group(1)) != data.size()
                    || Long.parseLong(range.group(2)) - Long.parseLong(range.group(1)) + 1 != body.length) {
                send(x, 400, "{\"error\":{\"code\":400,\"message\":\"bad Content-Range "
                        + x.getRequestHeaders().getFirst("Content-Range") + " at " + data.size() + "\"}}");
                return;
            }
            data.write(body);
            if (data.size() == Long.parseLong(range.group(3))) {
                objects.put(path.substring("/upload/resumable/".length()), data.toByteArray());
                sessions.remove(path);
                send(x, 200, "{\"kind\":\"storage#object\",\"size\":\"" + data.size() + "\"}");
            } else {
                x.getResponseHeaders().add("Range", "bytes=0-" + (data.size() - 1));
                send(x, 308, "");
            }
        } else if (method.equals("DELETE") && path.matches("/storage/v1/b/[^/]+/o/.+")) {
            String[] p = path.split("/", 7);
            boolean gone = objects.remove(p[4] + "/" + URLDecoder.decode(p[6], StandardCharsets.UTF_8)) != null;
            send(x, gone ? 204 : 404, gone ? "" : "{\"error\":{\"code\":404,\"message\":\"No such object\"}}");
        } else if (image.matches() && image.group(2) != null && method.equals("GET")) {
            JsonNode found = images.get(image.group(2));
            send(x, found == null ? 404 : 200, found == null ? "{\"error\":{\"code\":404,\"message\":\"The resource"
                    + " was not found\"}}" : found.toString());
        } else if (image.matches() && image.group(2) == null && method.equals("POST")) {
            JsonNode request = JSON.readTree(body);
            String source = request.path("rawDisk").path("source").asText();
            String object = source.replaceFirst("https://storage.googleapis.com/", "");
            if (!objects.containsKey(object)) {
                send(x, 400, "{\"error\":{\"code\":400,\"message\":\"rawDisk.source " + source + " does not exist\"}}");
                return;
            }
            images.put(request.path("name").asText(), request);
            send(x, 200, operation("insert"));
        } else if (image.matches() && image.group(2) != null && method.equals("DELETE")) {
            images.remove(image.group(2));
            send(x, 200, operation("delete"));
        } else if (operation.matches() && method.equals("GET")) {
            send(x, 200, "{\"name\":\"" + operation.group(2) + "\",\"status\":\"DONE\"}");
        } else {
            send(x, 404, "{\"error\":{\"code\":404,\"message\":\"" + method + " " + path + " is not a call jcap makes\"}}");
        }
    }

    private synchronized String operation(String kind) {
        return "{\"kind\":\"compute#operation\",\"name\":\"operation-" + kind + "-" + (++operations)
                + "\",\"status\":\"RUNNING\"}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
