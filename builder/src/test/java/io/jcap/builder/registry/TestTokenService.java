package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jcap.testsupport.LocalRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in for a registry's token service (Docker Hub's auth.docker.io, Harbor's core, GitLab's
 * JWT endpoint), which Debian does not package: {@code GET /token?service=&scope=} with Basic auth
 * answers {@code {"token": JWT}}, an RS256 JWT with the certificate in its {@code x5c} header and
 * the scope's access in its claims, as distribution's token auth verifies it
 * (distribution.github.io/distribution/spec/auth/jwt). The registry that checks the tokens is the
 * real one. Wrong credentials get 401. It also takes OAuth2's refresh grant, as Docker Hub's and
 * Azure's services do for an identity token: {@code POST /token} with the form {@code
 * grant_type=refresh_token&refresh_token=...&service=&scope=} answers {@code {"access_token": JWT}};
 * the one refresh token it knows is {@link #refreshToken}.
 */
final class TestTokenService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalRegistry registry;
    private final HttpServer server;
    private final PrivateKey key;
    private final String certificate;
    /** The identity token this service takes in a refresh grant. */
    final String refreshToken = "rt-" + UUID.randomUUID();
    /** How each token was asked for ({@code GET} or the POST's grant type), in order, for the test to check. */
    final java.util.List<String> grants = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The scopes asked for, in order, for the test to check. */
    final java.util.List<String> scopes = new java.util.concurrent.CopyOnWriteArrayList<>();

    TestTokenService(LocalRegistry registry) throws Exception {
        this.registry = registry;
        String pem = Files.readString(registry.token().key()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        try (var in = Files.newInputStream(registry.token().cert())) {
            this.certificate = Base64.getEncoder().encodeToString(
                    CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded());
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", registry.token().realmPort()), 16);
        server.createContext("/token", this::answer);
        server.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("POST")) {
            refresh(exchange);
            return;
        }
        try (exchange) {
            grants.add("GET");
            String expected = "Basic " + Base64.getEncoder().encodeToString((registry.user() + ":" + registry.password())
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                // Echoes what it got, as a careless token service does: jcap must hide it.
                byte[] body = JSON.createObjectNode().put("details", "incorrect username or password: got "
                        + exchange.getRequestHeaders().getFirst("Authorization")).toString().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            Map<String, String> query = new HashMap<>();
            for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            scopes.add(query.getOrDefault("scope", ""));
            byte[] body = JSON.createObjectNode().put("token", token(query.get("scope"))).toString()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void refresh(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            grants.add(form.getOrDefault("grant_type", ""));
            if (!"refresh_token".equals(form.get("grant_type")) || !refreshToken.equals(form.get("refresh_token"))) {
                // Echoes what it got, as a careless token service does: jcap must hide it.
                byte[] body = JSON.createObjectNode().put("error", "invalid_grant").put("error_description",
                        "unknown refresh token " + form.get("refresh_token")).toString().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            scopes.add(form.getOrDefault("scope", ""));
            byte[] body = JSON.createObjectNode().put("access_token", token(form.get("scope"))).put("expires_in", 300)
                    .toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static Map<String, String> parse(String form) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private String token(String scope) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        header.putArray("x5c").add(certificate);
        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = JSON.createObjectNode().put("iss", registry.token().issuer()).put("sub", registry.user())
                .put("aud", registry.token().service()).put("exp", now + 300).put("nbf", now - 60).put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        if (scope != null && scope.startsWith("repository:")) {
            String[] parts = scope.split(":");
            ArrayNode actions = access.addObject().put("type", "repository").put("name", parts[1]).putArray("actions");
            for (String action : parts[2].split(",")) {
                actions.add(action);
            }
        }
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signed = url.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + url.encodeToString(rsa.sign());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
