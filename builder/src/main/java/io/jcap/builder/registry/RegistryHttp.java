package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.builder.push.Secret;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one HTTP client of a session with one repository of a registry: the scheme (HTTPS; plain
 * HTTP only for a registry on this machine or with {@code --insecure}, as Docker), the
 * authentication the registry asks for in its {@code WWW-Authenticate} challenge (Basic with the
 * user's credential, or a Bearer token from the challenge's realm for the session's scope), and the
 * one mapping of failures onto exit codes (1 refused, 3 unreachable) with the registry's own reason,
 * every secret replaced by {@code (secret)}.
 */
final class RegistryHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /**
     * How long a request waits for its response's headers. Requests through the client carry small
     * bodies (blobs are uploaded by {@link RemoteRepository#uploadBlob}, whose reads and writes are
     * bounded by {@link StallBound}); a blob's body is read after its headers, bounded per read.
     */
    static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);
    private static final int REASON_LIMIT = 300;

    private final ImageReference ref;
    private final String scope;
    private final Optional<RegistryCredential> credential;
    private final HttpClient client;
    private final SSLContext ssl;
    private final List<Secret> secrets = new ArrayList<>();
    private final boolean insecure;
    private URI base;
    private String authorization;

    /**
     * A session with {@code ref}'s repository for {@code actions} ({@code pull} or {@code pull,push};
     * null: the registry itself, as a login checks it). Contacts nothing until {@link #connect}.
     */
    RegistryHttp(ImageReference ref, String actions, Optional<RegistryCredential> credential, RegistryTls tls)
            throws JcapException {
        this.ref = ref;
        this.scope = actions == null ? null : "repository:" + ref.repository() + ":" + actions;
        this.credential = credential;
        credential.ifPresent(c -> {
            secrets.add(c.password());
            // The form Basic authorization sends it in, to the registry and to a token service,
            // either of which may quote what it got in an error.
            secrets.add(new Secret(basic(c)));
            // And the form an identity token's refresh grant sends it in.
            secrets.add(new Secret(URLEncoder.encode(c.password().reveal(), StandardCharsets.UTF_8)));
        });
        this.ssl = tls.context();
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(ssl)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        this.base = URI.create("https://" + ref.apiHost());
        this.insecure = tls.insecure() || ref.isLoopback();
    }

    /**
     * Finds the scheme (HTTPS, else plain HTTP where allowed) and authenticates when the registry
     * asks: {@code GET /v2/}, the API's version check.
     */
    void connect() throws JcapException, InterruptedException {
        HttpRequest.Builder ping = HttpRequest.newBuilder(base.resolve("/v2/")).GET();
        try {
            send(ping, HttpResponse.BodyHandlers.ofString(), 200);
        } catch (EnvironmentException e) {
            if (!insecure || !noTlsAnswer(e.getCause())) {
                throw e;
            }
            base = URI.create("http://" + ref.apiHost());
            send(HttpRequest.newBuilder(base.resolve("/v2/")).GET(), HttpResponse.BodyHandlers.ofString(), 200);
        }
    }

    /**
     * Whether {@code failure} of the HTTPS version check shows a server that speaks no TLS: one that
     * answers the ClientHello in plain text (an {@link SSLException}) or ends the connection without
     * a TLS answer ("Remote host terminated the handshake"; the JDK's client may say "header parser
     * received no bytes" instead when the end comes as a reset). A certificate that was checked and
     * not trusted shows a TLS registry, never retried in plain text; so do a refused connection and
     * a timeout, which plain HTTP would meet as well.
     */
    static boolean noTlsAnswer(Throwable failure) {
        if (!(failure instanceof IOException) || failure instanceof ConnectException
                || failure instanceof HttpTimeoutException) {
            return false;
        }
        return !causedBy(failure, CertificateException.class, SSLPeerUnverifiedException.class,
                CertPathValidatorException.class, CertPathBuilderException.class);
    }

    /** Whether {@code e} or one of its causes is one of {@code kinds}. */
    private static boolean causedBy(Throwable e, Class<?>... kinds) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<?> kind : kinds) {
                if (kind.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The registry's API root ({@code https://host:port}). */
    URI base() {
        return base;
    }

    /** {@code /v2/REPOSITORY/} + {@code path}, on the registry. */
    URI repositoryUri(String path) {
        return base.resolve("/v2/" + ref.repository() + "/" + path);
    }

    /** The Authorization header this session sends, or null before any was asked for. */
    String authorization() {
        return authorization;
    }

    /** The SSL context, for the streamed uploads that do not go through {@link HttpClient}. */
    SSLContext ssl() {
        return ssl;
    }

    /**
     * Sends a request (whose body, if any, can be sent twice), authenticating once when the registry
     * answers 401; any status not in {@code expected} is an error with the registry's reason.
     */
    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, int... expected)
            throws JcapException, InterruptedException {
        HttpResponse<T> response = sendOnce(request, body);
        if (response.statusCode() == 401) {
            // Once: a second 401 means the credentials (or the token they got) are refused.
            authenticate(response.headers().firstValue("WWW-Authenticate").orElse(""));
            response = sendOnce(request, body);
        }
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw failure(request.build(), response.statusCode(), bodyText(response));
    }

    private <T> HttpResponse<T> sendOnce(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws JcapException, InterruptedException {
        HttpRequest built = (authorization == null ? request : request.copy().setHeader("Authorization", authorization))
                .timeout(RESPONSE_TIMEOUT).build();
        try {
            return client.send(built, body);
        } catch (IOException e) {
            throw unreachable(built.uri(), e);
        }
    }

    /**
     * {@code GET uri} where the registry redirected a blob (a storage service such as S3), without the
     * registry's Authorization header: the redirect's URL carries its own, and another one is refused
     * there (and would hand the registry's token to a third party).
     */
    HttpResponse<java.io.InputStream> getRedirected(URI uri) throws JcapException, InterruptedException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            // Only the scheme is shown: a storage URL may carry a signature.
            throw new JcapException("registry " + ref.registry() + " redirected a download to a "
                    + (scheme.isEmpty() ? "relative" : scheme + ":") + " URL, not an http or https one: refused");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(RESPONSE_TIMEOUT).build();
        HttpResponse<java.io.InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
        if (response.statusCode() != 200) {
            throw failure(request, response.statusCode(), bodyText(response));
        }
        return response;
    }

    /** A failure to reach the registry: exit code 3. */
    EnvironmentException unreachable(URI uri, IOException e) {
        boolean untrusted = causedBy(e, CertPathBuilderException.class, CertPathValidatorException.class);
        return new EnvironmentException("cannot reach registry " + ref.registry() + " at " + uri.getScheme() + "://"
                + uri.getAuthority() + ": " + hide(FailureReason.of(e))
                + (untrusted ? " (its certificate is not signed by a CA this machine trusts: give the folder of its CA"
                        + " certificate with --cert-dir DIR, as ca.crt)" : ""), e);
    }

    /** The error for an unexpected status: 1 refused, 3 for a gateway that cannot reach the registry. */
    JcapException failure(HttpRequest request, int status, String body) {
        String reason = hide(reason(body));
        String what = request.method() + " " + request.uri().getPath();
        if (status == 401) {
            return new JcapException(credential.map(c -> "registry " + ref.registry() + " refused the credentials of user '"
                    + c.user() + "' from " + c.source()).orElse("registry " + ref.registry() + " needs credentials for "
                    + ref.repository() + " (jcap login " + ref.registry() + ")") + " (HTTP 401): " + reason);
        }
        if (status == 502 || status == 503 || status == 504) {
            return new EnvironmentException("registry " + ref.registry() + " is unavailable (HTTP " + status + " to " + what
                    + "): " + reason);
        }
        return new JcapException("registry " + ref.registry() + " refused " + what + " (HTTP " + status + "): " + reason,
                ExitCode.FAILURE, null);
    }

    /** {@code text} with every secret this session knows replaced. */
    String hide(String text) {
        String out = text;
        for (Secret s : secrets) {
            if (s.isIn(out)) {
                out = out.replace(s.reveal(), "(secret)");
            }
        }
        return out;
    }

    private void authenticate(String header) throws JcapException, InterruptedException {
        AuthChallenge challenge = AuthChallenge.parse(header).orElseThrow(() -> new JcapException("registry "
                + ref.registry() + " answered 401 without a WWW-Authenticate challenge: jcap cannot tell how to log in"));
        if (challenge.scheme().equals("basic")) {
            RegistryCredential c = credential.orElseThrow(() -> new JcapException("registry " + ref.registry()
                    + " needs credentials for " + ref.repository() + ": log in with jcap login " + ref.registry()
                    + " (or docker login), or set REGISTRY_AUTH_FILE"));
            if (c.isIdentityToken()) {
                throw new JcapException("registry " + ref.registry() + " asks for a user and password (Basic), but "
                        + c.source() + " holds an identity token for it, which only a token service takes: log in with"
                        + " a password (jcap login " + ref.registry() + ")");
            }
            authorization = "Basic " + basic(c);
            secrets.add(new Secret(authorization.substring("Basic ".length())));
            return;
        }
        if (!challenge.scheme().equals("bearer")) {
            throw new JcapException("registry " + ref.registry() + " asks for authentication scheme '" + challenge.scheme()
                    + "': jcap speaks Basic and Bearer");
        }
        String realm = challenge.param("realm").orElseThrow(() -> new JcapException("registry " + ref.registry()
                + " asks for a Bearer token without naming its realm (the token service)"));
        // What the token is for, in the URL of a GET and in the form of a refresh grant alike.
        StringBuilder params = new StringBuilder("client_id=jcap");
        challenge.param("service")
                .ifPresent(s -> params.append("&service=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)));
        Optional<String> wanted = scope == null ? challenge.param("scope") : Optional.of(scope);
        wanted.ifPresent(s -> params.append("&scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)));
        HttpRequest.Builder tokenRequest;
        if (credential.isPresent() && credential.get().isIdentityToken()) {
            tokenRequest = refreshGrant(realm, params.toString(), credential.get().password());
        } else {
            tokenRequest = HttpRequest.newBuilder(URI.create(realm + (realm.contains("?") ? '&' : '?') + params)).GET();
            credential.ifPresent(c -> tokenRequest.header("Authorization", "Basic " + basic(c)));
        }
        HttpResponse<String> answer;
        try {
            answer = client.send(tokenRequest.timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(URI.create(realm), e);
        }
        if (answer.statusCode() != 200) {
            throw new JcapException("the token service of registry " + ref.registry() + " at " + realm + " refused "
                    + credential.map(c -> c.isIdentityToken() ? "the identity token from " + c.source()
                            : "user '" + c.user() + "' from " + c.source()).orElse("an anonymous request")
                    + " (HTTP " + answer.statusCode() + "): " + hide(reason(answer.body())));
        }
        JsonNode json;
        try {
            json = JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new JcapException("the token service of registry " + ref.registry() + " answered something that is not JSON");
        }
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new JcapException("the token service of registry " + ref.registry() + " answered without a token");
        }
        secrets.add(new Secret(token));
        authorization = "Bearer " + token;
    }

    /**
     * The OAuth2 request trading an identity token for an access token: a form POST to the realm
     * with {@code grant_type=refresh_token} (distribution.github.io/distribution/spec/auth/oauth),
     * as Docker sends it; the token goes in the body, never in the URL.
     */
    private static HttpRequest.Builder refreshGrant(String realm, String params, Secret token) {
        String form = "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(token.reveal(), StandardCharsets.UTF_8)
                + "&" + params;
        return HttpRequest.newBuilder(URI.create(realm)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
    }

    private static String basic(RegistryCredential c) {
        return Base64.getEncoder().encodeToString((c.user() + ":" + c.password().reveal()).getBytes(StandardCharsets.UTF_8));
    }

    private static String bodyText(HttpResponse<?> response) {
        Object body = response.body();
        if (body instanceof String s) {
            return s;
        }
        if (body instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (body instanceof java.io.InputStream in) {
            try (in) {
                return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
        return "";
    }

    /** The registry's reason from an error body ({@code {"errors":[{"code","message"}]}}), else the body's start. */
    static String reason(String body) {
        if (body == null || body.isBlank()) {
            return "no reason given";
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && errors.size() > 0) {
                List<String> parts = new ArrayList<>();
                errors.forEach(e -> parts.add(e.path("code").asText("") + ": " + e.path("message").asText("")
                        + (e.path("detail").isTextual() ? " (" + e.path("detail").asText() + ")" : "")));
                return String.join("; ", parts);
            }
            JsonNode json = JSON.readTree(body);
            if (json.hasNonNull("details")) {
                return json.get("details").asText();
            }
            // OAuth2's error form (RFC 6749, 5.2), a refresh grant's answer.
            if (json.path("error").isTextual()) {
                return json.get("error").asText() + (json.path("error_description").isTextual()
                        ? ": " + json.get("error_description").asText() : "");
            }
        } catch (IOException e) {
            // Not JSON: the text itself, shortened.
        }
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() > REASON_LIMIT ? line.substring(0, REASON_LIMIT) + "..." : line;
    }
}
