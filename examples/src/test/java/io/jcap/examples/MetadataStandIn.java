package io.jcap.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for one cloud's metadata service on 127.0.0.1 (no real one exists here), speaking
 * that cloud's documented paths and headers: EC2's IMDSv2 (a token from {@code PUT
 * /latest/api/token}, then {@code X-aws-ec2-metadata-token} on every read), GCE ({@code
 * Metadata-Flavor: Google} both ways), OpenStack ({@code /openstack/latest/}) and Azure IMDS ({@code
 * Metadata: true}, user data in base64). Anything else answers 404, a missing header 401/403/400.
 * The guest reaches it through QEMU's {@code guestfwd} at 169.254.169.254:80.
 */
final class MetadataStandIn implements AutoCloseable {
    enum Cloud { EC2, GCE, OPENSTACK, AZURE }

    static final String TOKEN = "AQAEAFakeImdsV2Token==";

    private final HttpServer server;
    private final Cloud cloud;
    private final String hostname;
    private final String userData;
    /** Every request as "METHOD path status", in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();

    MetadataStandIn(Cloud cloud, String hostname, String userData) throws IOException {
        this.cloud = cloud;
        this.hostname = hostname;
        this.userData = userData;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().toString();
        String method = x.getRequestMethod();
        int status = 404;
        String body = "";
        Map<String, String> answers = Map.of();
        switch (cloud) {
            case EC2 -> {
                if (method.equals("PUT") && path.equals("/latest/api/token")) {
                    boolean ttl = x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
                    status = ttl ? 200 : 400;
                    body = ttl ? TOKEN : "";
                } else if (path.startsWith("/latest/")
                        && !TOKEN.equals(x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
                    status = 401;
                } else {
                    answers = Map.of("/latest/meta-data/instance-id", "i-0123456789abcdef0",
                            "/latest/meta-data/local-hostname", hostname, "/latest/user-data", userData);
                }
            }
            case GCE -> {
                x.getResponseHeaders().add("Metadata-Flavor", "Google");
                if (!"Google".equals(x.getRequestHeaders().getFirst("Metadata-Flavor"))
                        && path.startsWith("/computeMetadata/")) {
                    status = 403;
                } else {
                    answers = Map.of("/computeMetadata/v1/instance/hostname", hostname,
                            "/computeMetadata/v1/instance/id", "4520031799277581759",
                            "/computeMetadata/v1/instance/attributes/user-data", userData);
                }
            }
            case OPENSTACK -> answers = Map.of("/openstack/latest/meta_data.json",
                    "{\"uuid\": \"83679162-1378-4288-a2d4-70e13ec132aa\", \"hostname\": \"" + hostname
                            + "\", \"name\": \"vm\", \"availability_zone\": \"nova\", \"meta\": {}}",
                    "/openstack/latest/user_data", userData);
            case AZURE -> {
                if (path.startsWith("/metadata/") && !"true".equals(x.getRequestHeaders().getFirst("Metadata"))) {
                    status = 400;
                } else {
                    answers = Map.of("/metadata/instance?api-version=2021-02-01",
                            "{\"compute\": {\"location\": \"westeurope\", \"name\": \"" + hostname
                                    + "\", \"vmId\": \"02aab8a4-74ef-476e-8182-f6d2ba4166a6\"}, \"network\": {}}",
                            "/metadata/instance/compute/userData?api-version=2021-01-01&format=text",
                            Base64.getEncoder().encodeToString(userData.getBytes(StandardCharsets.UTF_8)));
                }
            }
            default -> throw new IllegalStateException();
        }
        if (method.equals("GET") && answers.containsKey(path)) {
            status = 200;
            body = answers.get(path);
        }
        requests.add(method + " " + path + " " + status);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    /** QEMU's user network with this stand-in at 169.254.169.254:80 (the address must lie in the network). */
    List<String> qemuNetwork() {
        return List.of("-netdev", "user,id=n0,net=169.254.0.0/16,guestfwd=tcp:169.254.169.254:80-cmd:socat - TCP:"
                + "127.0.0.1:" + port(), "-device", "virtio-net-pci,netdev=n0");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
