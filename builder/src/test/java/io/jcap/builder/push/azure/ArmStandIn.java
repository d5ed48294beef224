package io.jcap.builder.push.azure;

import static io.jcap.builder.push.JsonReplies.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A stand-in on 127.0.0.1, over HTTPS with a certificate made for it, for what jcap calls of
 * Azure, as Microsoft's references document it: the Microsoft identity platform's token endpoint
 * ({@code POST /TENANT/oauth2/v2.0/token}, the client credentials grant with a client secret) and
 * Resource Manager's {@code Microsoft.Compute/images} (Get, Create Or Update, Delete, api-version
 * 2024-07-01) with their long-running operations: a PUT answers 201 with
 * {@code Azure-AsyncOperation} and the operation reports {@code InProgress} before
 * {@code Succeeded}; a DELETE answers 202 with {@code Location}, 202 while it runs and 200 after.
 * It stands for a real Azure subscription, which tests cannot have; it checks the bearer token on
 * every Resource Manager call and records every call and body.
 */
final class ArmStandIn implements AutoCloseable {
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT_ID = "0b9f5b22-3c4d-4f6e-8a7b-9c0d1e2f3a4b";
    static final String CLIENT_SECRET = "Zx8Q~stand-in-client-secret-0123456789";
    static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.stand-in-arm-token.c2lnbmF0dXJl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "stand-in";
    private static final Pattern IMAGE = Pattern.compile(
            "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.Compute/images/([^/]+)");
    private static final Pattern OPERATION = Pattern.compile(
            "/subscriptions/([^/]+)/providers/Microsoft\\.Compute/locations/([^/]+)/(operations|deletions)/([^/]+)");

    private final HttpsServer server;
    private final SSLContext clientTls;
    /** Every call as "METHOD PATH" (the token call as "token"). */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** The body of every PUT of an image, in order. */
    final List<JsonNode> putBodies = Collections.synchronizedList(new ArrayList<>());
    /** The token requests' form fields, in order. */
    final List<Map<String, String>> tokenForms = Collections.synchronizedList(new ArrayList<>());
    /** Images by ID. */
    final Map<String, ObjectNode> images = new ConcurrentHashMap<>();
    /** Answers to give once before the normal one, by call ("PUT image", "GET image", ...): status and ARM error code. */
    private final Map<String, List<String[]>> faults = new ConcurrentHashMap<>();
    /** How many polls an operation reports InProgress before it ends. */
    volatile int pollsInProgress = 2;
    /** The error an image creation ends with, or null for success: code and message. */
    volatile String[] creationFailure;
    private final Map<String, Integer> polls = new ConcurrentHashMap<>();
    private final Map<String, String> operationImages = new ConcurrentHashMap<>();

    ArmStandIn(Path folder) throws Exception {
        Path keys = folder.resolve("arm-stand-in.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "arm", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keys.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        km.init(store, PASSWORD.toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(km.getKeyManagers(), null, null);
        // The client trusts this certificate alone, as a trust entry of a store of its own.
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("arm", store.getCertificate("arm"));
        TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tm.init(trust);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tm.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** The stand-in's URL, both the authority host and the Resource Manager endpoint. */
    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A TLS context that trusts the stand-in's certificate, for the client under test. */
    SSLContext clientTls() {
        return clientTls;
    }

    /** Answers the next {@code call} with {@code status} and ARM's error {@code code} once. */
    void fail(String call, int status, String code) {
        faults.computeIfAbsent(call, k -> Collections.synchronizedList(new ArrayList<>())).add(new String[] {
                String.valueOf(status), code});
    }

    /** Puts an image of the name there, as an earlier push would have. */
    String addImage(String subscription, String group, String name) {
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.Compute/images/" + name;
        ObjectNode image = JSON.createObjectNode().put("id", id).put("name", name).put("type", "Microsoft.Compute/images")
                .put("location", "westeurope");
        image.putObject("properties").put("provisioningState", "Succeeded");
        images.put(id, image);
        return id;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getRawPath();
            if (method.equals("POST") && path.equals("/" + TENANT + "/oauth2/v2.0/token")) {
                token(x, new String(body, StandardCharsets.UTF_8));
                return;
            }
            if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                calls.add(method + " " + path + " (no token)");
                send(x, 401, error("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing"
                        + " or has an invalid token."));
                return;
            }
            String query = String.valueOf(x.getRequestURI().getRawQuery());
            if (!query.contains("api-version=2024-07-01")) {
                send(x, 400, error("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is"
                        + " required for all requests."));
                return;
            }
            Matcher image = IMAGE.matcher(path);
            Matcher operation = OPERATION.matcher(path);
            String call = method + " " + (image.matches() ? "image" : operation.matches() ? operation.group(3) : path);
            calls.add(call);
            List<String[]> queue = faults.get(call);
            if (queue != null && !queue.isEmpty()) {
                String[] fault = queue.remove(0);
                send(x, Integer.parseInt(fault[0]), error(fault[1], fault[1].equals("AuthorizationFailed")
                        ? "The client '" + CLIENT_ID + "' with object id '" + CLIENT_ID + "' does not have authorization to"
                        + " perform action 'Microsoft.Compute/images/write' over scope '" + path + "' or the scope is invalid."
                        : "injected " + fault[1]));
                return;
            }
            if (image.matches()) {
                image(x, method, path, image, body);
            } else if (operation.matches() && method.equals("GET")) {
                operation(x, operation);
            } else {
                send(x, 404, error("NotFound", "no route " + method + " " + path));
            }
        } catch (Exception e) {
            send(x, 500, error("InternalServerError", String.valueOf(e)));
        }
    }

    private void token(HttpExchange x, String form) throws IOException {
        calls.add("token");
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        tokenForms.add(fields);
        if (!"client_credentials".equals(fields.get("grant_type")) || !CLIENT_ID.equals(fields.get("client_id"))
                || !CLIENT_SECRET.equals(fields.get("client_secret"))) {
            send(x, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided."
                    + " Ensure the secret being sent in the request is the client secret value, not the client secret ID\","
                    + "\"error_codes\":[7000215]}");
            return;
        }
        send(x, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + TOKEN + "\"}");
    }

    private void image(HttpExchange x, String method, String path, Matcher m, byte[] body) throws IOException {
        ObjectNode existing = images.get(path);
        switch (method) {
            case "GET" -> {
                if (existing == null) {
                    send(x, 404, error("ResourceNotFound", "The Resource 'Microsoft.Compute/images/" + m.group(3)
                            + "' under resource group '" + m.group(2) + "' was not found."));
                } else {
                    send(x, 200, existing.toString());
                }
            }
            case "PUT" -> {
                JsonNode request = JSON.readTree(body);
                putBodies.add(request);
                ObjectNode made = JSON.createObjectNode().put("id", path).put("name", m.group(3))
                        .put("type", "Microsoft.Compute/images").put("location", request.path("location").asText());
                made.set("tags", request.path("tags"));
                ObjectNode properties = ((ObjectNode) request.path("properties").deepCopy()).put("provisioningState", "Creating");
                made.set("properties", properties);
                images.put(path, made);
                String operationId = "op-" + calls.size();
                operationImages.put(operationId, path);
                x.getResponseHeaders().add("Azure-AsyncOperation", url() + "/subscriptions/" + m.group(1)
                        + "/providers/Microsoft.Compute/locations/" + request.path("location").asText() + "/operations/"
                        + operationId + "?api-version=2024-07-01");
                x.getResponseHeaders().add("Retry-After", "0");
                send(x, existing == null ? 201 : 200, made.toString());
            }
            case "DELETE" -> {
                if (existing == null) {
                    send(x, 204, "");
                    return;
                }
                String operationId = "del-" + calls.size();
                operationImages.put(operationId, path);
                x.getResponseHeaders().add("Location", url() + "/subscriptions/" + m.group(1)
                        + "/providers/Microsoft.Compute/locations/westeurope/deletions/" + operationId
                        + "?api-version=2024-07-01");
                x.getResponseHeaders().add("Retry-After", "0");
                send(x, 202, "");
            }
            default -> send(x, 405, error("MethodNotAllowed", method));
        }
    }

    private void operation(HttpExchange x, Matcher m) throws IOException {
        String id = m.group(4);
        String imageId = operationImages.get(id);
        int poll = polls.merge(id, 1, Integer::sum);
        x.getResponseHeaders().add("Retry-After", "0");
        if (m.group(3).equals("deletions")) {
            if (poll <= pollsInProgress) {
                send(x, 202, "");
            } else {
                images.remove(imageId);
                send(x, 200, "");
            }
            return;
        }
        ObjectNode status = JSON.createObjectNode().put("name", id).put("startTime", "2026-12-03T20:00:00.0000000+00:00");
        if (poll <= pollsInProgress) {
            send(x, 200, status.put("status", "InProgress").toString());
            return;
        }
        String[] failure = creationFailure;
        ObjectNode properties = (ObjectNode) images.get(imageId).path("properties");
        if (failure == null) {
            properties.put("provisioningState", "Succeeded");
            send(x, 200, status.put("status", "Succeeded").put("endTime", "2026-12-03T20:00:09.0000000+00:00").toString());
        } else {
            properties.put("provisioningState", "Failed");
            status.put("status", "Failed").putObject("error").put("code", failure[0]).put("message", failure[1]);
            send(x, 200, status.toString());
        }
    }

    private static String error(String code, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.putObject("error").put("code", code).put("message", message);
        return node.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
