package io.jcap.builder.push.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.builder.push.Secret;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The one HTTP client of a push to OpenStack: TLS as the cloud says ({@code cacert},
 * {@code insecure}), and the one mapping of failures onto exit codes (1 refused, 3 unreachable)
 * with the service's own reason, every secret it knows replaced by {@code (secret)}.
 */
final class OpenStackHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final int REASON_LIMIT = 300;

    private final HttpClient client;
    private final SSLContext ssl;
    private final boolean insecure;
    private final List<Secret> secrets = new ArrayList<>();

    OpenStackHttp(CloudConfig cloud) throws JcapException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL);
        insecure = cloud.insecure();
        if (insecure) {
            // The JDK's client reads this once; a push is the only HTTPS user in a jcap process.
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            ssl = trustingAll();
        } else if (cloud.cacert().isPresent()) {
            ssl = trusting(cloud);
        } else {
            ssl = null;
        }
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        client = builder.version(HttpClient.Version.HTTP_1_1).build();
        if (cloud.auth() instanceof CloudConfig.PasswordAuth p) {
            secrets.add(p.password());
        } else if (cloud.auth() instanceof CloudConfig.ApplicationCredentialAuth a) {
            secrets.add(a.secret());
        }
    }

    /** Keeps {@code secret} (a token) out of every message from now on. */
    void hide(Secret secret) {
        secrets.add(secret);
    }

    /** Sends {@code request} to {@code service} (Keystone, Glance), mapping a failure to reach it to exit code 3. */
    <T> HttpResponse<T> send(String service, HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws JcapException, InterruptedException {
        try {
            return client.send(request, body);
        } catch (IOException e) {
            throw unreachable(service, request.uri(), e);
        }
    }

    /** The error for {@code service} at {@code uri} failing to answer: exit code 3 with the reason. */
    EnvironmentException unreachable(String service, URI uri, IOException e) {
        return new EnvironmentException("cannot reach " + service + " at " + uri.getScheme() + "://" + uri.getAuthority()
                + ": " + hidden(FailureReason.of(e)));
    }

    /** A blocking connection to {@code uri} with this cloud's TLS settings, for a streamed upload. */
    HttpURLConnection open(URI uri) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        if (connection instanceof HttpsURLConnection https && ssl != null) {
            https.setSSLSocketFactory(ssl.getSocketFactory());
            if (insecure) {
                https.setHostnameVerifier((host, session) -> true);
            }
        }
        return connection;
    }

    /** {@link #send} of a request whose answer is small text (JSON, an error page). */
    HttpResponse<String> send(String service, HttpRequest request) throws JcapException, InterruptedException {
        return send(service, request, HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's JSON, or an error when it is not. */
    JsonNode json(String service, HttpResponse<String> response) throws JcapException {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new JcapException(service + " answered " + response.request().method() + " " + response.uri().getPath()
                    + " with something other than JSON: " + reason(response.body()));
        }
    }

    /**
     * The error for an answer {@code service} gave to {@code what} that was not a success: its own
     * reason in one line; exit code 3 when the service is down behind a proxy (502, 503, 504), 1 otherwise.
     */
    JcapException refused(String service, String what, HttpResponse<String> response) {
        return refused(service, what, response.statusCode(), response.body());
    }

    /** {@link #refused(String, String, HttpResponse)} of an answer read another way. */
    JcapException refused(String service, String what, int status, String body) {
        String message = service + " refused " + what + " (HTTP " + status + "): " + reason(body);
        return status == 502 || status == 503 || status == 504
                ? new EnvironmentException(message) : new JcapException(message, ExitCode.FAILURE, null);
    }

    /** The reason in an error body: Keystone's {@code error.message}, or Glance's text without its HTML. */
    String reason(String body) {
        String text = body == null ? "" : body;
        try {
            JsonNode node = JSON.readTree(text);
            JsonNode message = node == null ? null : node.path("error").path("message");
            if (message != null && message.isTextual()) {
                text = message.asText();
            }
        } catch (IOException e) {
            // Not JSON: Glance answers errors with a small HTML page.
        }
        text = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        text = hidden(text.isEmpty() ? "no reason given" : text);
        return text.length() > REASON_LIMIT ? text.substring(0, REASON_LIMIT) + "..." : text;
    }

    private String hidden(String text) {
        String result = text;
        for (Secret s : secrets) {
            if (s.isIn(result)) {
                result = result.replace(s.reveal(), s.toString());
            }
        }
        return result;
    }

    private static SSLContext trusting(CloudConfig cloud) throws JcapException {
        var file = cloud.cacert().orElseThrow();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new JcapException("cacert " + file + " of " + cloud.source() + " holds no PEM certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new JcapException("cannot read cacert " + file + " of " + cloud.source() + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext trustingAll() throws JcapException {
        TrustManager all = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {all}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has TLS", e);
        }
    }
}
