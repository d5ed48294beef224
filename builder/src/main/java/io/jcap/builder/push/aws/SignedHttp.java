package io.jcap.builder.push.aws;

import io.jcap.builder.push.RetryPolicy;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * AWS calls signed with the SDK's SigV4 signer and sent with {@code java.net.http}, with the SDK's
 * kind of retries ({@link RetryPolicy#STANDARD}): a connection failure, a 5xx and a throttling
 * answer (429, or an error code such as {@code ThrottlingException} or {@code RequestLimitExceeded})
 * are tried again after 0.1, 0.2, 0.4, 0.8 s, five tries in all. A refusal is exit 1 with AWS's error code
 * and message; a service that cannot be reached, or still fails after the retries with a 5xx, is 3.
 */
final class SignedHttp {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled",
            "SlowDown", "EC2ThrottledException");
    private static final Pattern CODE = Pattern.compile("\"(?:__type|code|Code)\"\\s*:\\s*\"(?:[^\"#]*#)?([A-Za-z.]+)\"|<Code>([^<]+)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("\"(?:message|Message)\"\\s*:\\s*\"([^\"]*)\"|<Message>([^<]*)</Message>");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final AwsCredentials credentials;
    private final String region;

    SignedHttp(AwsCredentials credentials, String region) {
        this.credentials = credentials;
        this.region = region;
    }

    /** An answer: its status, headers and body. */
    record Answer(int status, Map<String, java.util.List<String>> headers, String body) {
    }

    /**
     * Sends a signed request to {@code service} ({@code ebs}, {@code ec2}) and returns a 2xx answer.
     *
     * @param what what the call does, for messages ("start a snapshot")
     */
    Answer send(String service, String method, URI uri, Map<String, String> headers, byte[] body, String what)
            throws JcapException, InterruptedException {
        return RetryPolicy.STANDARD.run(() -> {
            HttpResponse<String> response;
            try {
                response = client.send(signed(service, method, uri, headers, body), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return RetryPolicy.again(RetryPolicy.unreachable(service.toUpperCase(Locale.ROOT), uri, e));
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return RetryPolicy.done(new Answer(status, response.headers().map(), response.body()));
            }
            // REST-JSON services (EBS) name the error in a header, Query ones (EC2) in the XML body.
            String code = response.headers().firstValue("x-amzn-ErrorType").map(t -> t.replaceAll(":.*", ""))
                    .orElseGet(() -> first(CODE, response.body()));
            String message = service.toUpperCase(Locale.ROOT) + " at " + uri.getScheme() + "://" + uri.getAuthority()
                    + " refused to " + what + " (HTTP " + status + (code.isEmpty() ? "" : ", " + code) + "): "
                    + first(MESSAGE, response.body());
            JcapException failure = RetryPolicy.isTransient(status) ? new EnvironmentException(message)
                    : new JcapException(message, ExitCode.FAILURE, null);
            if (RetryPolicy.isTransient(status) || THROTTLING.contains(code)) {
                return RetryPolicy.again(failure);
            }
            throw failure;
        });
    }

    private HttpRequest signed(String service, String method, URI uri, Map<String, String> headers, byte[] body) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.fromValue(method));
        headers.forEach(unsigned::putHeader);
        unsigned.putHeader("Content-Length", String.valueOf(body.length));
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials).request(unsigned.build())
                .payload(() -> new ByteArrayInputStream(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return request.build();
    }

    private static String first(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body == null ? "" : body);
        if (!m.find()) {
            return body == null ? "" : body.strip().substring(0, Math.min(200, body.strip().length()));
        }
        return (m.group(1) != null ? m.group(1) : m.group(2)).strip();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
