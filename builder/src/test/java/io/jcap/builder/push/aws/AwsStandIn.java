package io.jcap.builder.push.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;

/**
 * A stand-in for AWS's EBS direct API and EC2's Query API on 127.0.0.1, for the calls jcap makes
 * and no others, answering as the API references document them (EBS: REST with JSON, errors named
 * in {@code x-amzn-ErrorType}; EC2: form-encoded requests, XML answers). It stands for a real AWS
 * account, which tests cannot have; it checks what AWS checks of jcap's requests (SigV4
 * {@code Authorization} present with the right service and region, each block's length and
 * SHA-256, the changed-block count and the linear checksum) but not the signatures' values.
 */
final class AwsStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    /** Every call in order: {@code StartSnapshot}, {@code PutSnapshotBlock 3}, EC2 actions. */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** The blocks received, by snapshot and index. */
    final Map<String, ConcurrentSkipListMap<Long, byte[]>> blocks = new ConcurrentHashMap<>();
    final Map<String, Map<String, String>> registered = new ConcurrentHashMap<>();
    final Map<String, String> amiNames = new ConcurrentHashMap<>();
    final Map<String, String> amiSnapshots = new ConcurrentHashMap<>();
    final List<String> deletedSnapshots = Collections.synchronizedList(new ArrayList<>());
    final List<String> deregistered = Collections.synchronizedList(new ArrayList<>());
    /** Answers to give before the normal one, by call ("PutSnapshotBlock 1"): status and error type. */
    final Map<String, List<String[]>> faults = new ConcurrentHashMap<>();
    private final String region;
    private int snapshots;
    private int amis;

    AwsStandIn(String region) throws IOException {
        this.region = region;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Makes {@code call} fail first with {@code status} and error {@code type}, once per entry. */
    void fail(String call, int status, String type) {
        faults.computeIfAbsent(call, k -> Collections.synchronizedList(new ArrayList<>())).add(new String[] {String.valueOf(status), type});
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            boolean ec2 = path.equals("/") && method.equals("POST");
            String auth = x.getRequestHeaders().getFirst("Authorization");
            String scope = "/" + region + "/" + (ec2 ? "ec2" : "ebs") + "/aws4_request";
            if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=") || !auth.contains(scope)) {
                error(x, 403, ec2, "IncompleteSignature", "no SigV4 Authorization for " + scope + ": " + auth);
                return;
            }
            if (ec2) {
                ec2(x, form(new String(body, StandardCharsets.UTF_8)));
            } else {
                ebs(x, method, path, body);
            }
        } catch (Exception e) {
            error(x, 500, false, "InternalServerException", e.toString());
        }
    }

    private boolean faulted(HttpExchange x, String call, boolean ec2) throws IOException {
        calls.add(call);
        List<String[]> queue = faults.get(call);
        if (queue != null && !queue.isEmpty()) {
            String[] fault = queue.remove(0);
            error(x, Integer.parseInt(fault[0]), ec2, fault[1], "injected");
            return true;
        }
        return false;
    }

    private void ebs(HttpExchange x, String method, String path, byte[] body) throws Exception {
        String[] parts = path.split("/");
        if (method.equals("POST") && path.equals("/snapshots")) {
            if (faulted(x, "StartSnapshot", false)) {
                return;
            }
            JsonNode request = JSON.readTree(body);
            String id;
            synchronized (this) {
                id = "snap-" + (++snapshots);
            }
            blocks.put(id, new ConcurrentSkipListMap<>());
            json(x, 201, JSON.createObjectNode().put("SnapshotId", id).put("Status", "pending").put("BlockSize", 524288)
                    .put("VolumeSize", request.path("VolumeSize").asLong()).toString());
        } else if (method.equals("PUT") && parts.length == 5 && parts[3].equals("blocks")) {
            long index = Long.parseLong(parts[4]);
            if (faulted(x, "PutSnapshotBlock " + index, false)) {
                return;
            }
            String length = x.getRequestHeaders().getFirst("x-amz-Data-Length");
            String checksum = x.getRequestHeaders().getFirst("x-amz-Checksum");
            String expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
            if (!String.valueOf(body.length).equals(length) || body.length != 524288 || !expected.equals(checksum)
                    || !"SHA256".equals(x.getRequestHeaders().getFirst("x-amz-Checksum-Algorithm"))) {
                error(x, 400, false, "ValidationException", "block " + index + ": length " + length + "/" + body.length
                        + ", checksum " + checksum + " (the data's: " + expected + ")");
                return;
            }
            blocks.get(parts[2]).put(index, body);
            x.getResponseHeaders().add("x-amz-Checksum", checksum);
            x.getResponseHeaders().add("x-amz-Checksum-Algorithm", "SHA256");
            x.sendResponseHeaders(201, -1);
        } else if (method.equals("POST") && parts.length == 4 && parts[2].equals("completion")) {
            if (faulted(x, "CompleteSnapshot", false)) {
                return;
            }
            var stored = blocks.get(parts[3]);
            MessageDigest linear = MessageDigest.getInstance("SHA-256");
            for (byte[] b : stored.values()) {
                linear.update(MessageDigest.getInstance("SHA-256").digest(b));
            }
            String count = x.getRequestHeaders().getFirst("x-amz-ChangedBlocksCount");
            String sum = Base64.getEncoder().encodeToString(linear.digest());
            if (!String.valueOf(stored.size()).equals(count) || !sum.equals(x.getRequestHeaders().getFirst("x-amz-Checksum"))
                    || !"LINEAR".equals(x.getRequestHeaders().getFirst("x-amz-Checksum-Aggregation-Method"))) {
                error(x, 400, false, "ValidationException", "ChangedBlocksCount " + count + " of " + stored.size()
                        + " blocks, or the linear checksum is not " + sum);
                return;
            }
            json(x, 202, "{\"Status\":\"pending\"}");
        } else {
            error(x, 404, false, "ResourceNotFoundException", method + " " + path + " is not a call jcap makes");
        }
    }

    private void ec2(HttpExchange x, Map<String, String> form) throws IOException {
        String action = form.get("Action");
        if (!"2016-11-15".equals(form.get("Version"))) {
            error(x, 400, true, "InvalidParameterValue", "Version " + form.get("Version"));
            return;
        }
        if (faulted(x, action, true)) {
            return;
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action
                + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r-1</requestId>");
        switch (action) {
            case "DescribeImages" -> {
                xml.append("<imagesSet>");
                amiNames.forEach((ami, name) -> {
                    if (name.equals(form.get("Filter.1.Value.1")) && "self".equals(form.get("Owner.1"))) {
                        xml.append("<item><imageId>").append(ami).append("</imageId><name>").append(name)
                                .append("</name><blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><snapshotId>")
                                .append(amiSnapshots.get(ami)).append("</snapshotId></ebs></item></blockDeviceMapping></item>");
                    }
                });
                xml.append("</imagesSet>");
            }
            case "DescribeSnapshots" -> xml.append("<snapshotSet><item><snapshotId>").append(form.get("SnapshotId.1"))
                    .append("</snapshotId><status>").append(calls.stream().filter(c -> c.equals(action)).count() > 1
                            ? "completed" : "pending").append("</status></item></snapshotSet>");
            case "RegisterImage" -> {
                if (amiNames.containsValue(form.get("Name"))) {
                    error(x, 400, true, "InvalidAMIName.Duplicate", "AMI name " + form.get("Name") + " is already in use");
                    return;
                }
                String ami;
                synchronized (this) {
                    ami = "ami-" + (++amis);
                }
                registered.put(ami, form);
                amiNames.put(ami, form.get("Name"));
                amiSnapshots.put(ami, form.get("BlockDeviceMapping.1.Ebs.SnapshotId"));
                xml.append("<imageId>").append(ami).append("</imageId>");
            }
            case "DeregisterImage" -> {
                deregistered.add(form.get("ImageId"));
                amiNames.remove(form.get("ImageId"));
                xml.append("<return>true</return>");
            }
            case "DeleteSnapshot" -> {
                deletedSnapshots.add(form.get("SnapshotId"));
                xml.append("<return>true</return>");
            }
            default -> {
                error(x, 400, true, "InvalidAction", action + " is not a call jcap makes");
                return;
            }
        }
        xml.append("</").append(action).append("Response>");
        byte[] bytes = xml.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
        x.sendResponseHeaders(200, bytes.length);
        x.getResponseBody().write(bytes);
    }

    private static void error(HttpExchange x, int status, boolean ec2, String type, String message) throws IOException {
        String body;
        if (ec2) {
            body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + type + "</Code><Message>"
                    + message + "</Message></Error></Errors><RequestID>r-1</RequestID></Response>";
        } else {
            x.getResponseHeaders().add("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazonaws.ebs/");
            body = JSON.createObjectNode().put("Message", message).toString();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    private static void json(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
