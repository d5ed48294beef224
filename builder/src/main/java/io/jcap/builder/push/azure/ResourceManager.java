package io.jcap.builder.push.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.builder.push.RetryPolicy;
import io.jcap.builder.push.Secret;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Azure Resource Manager's REST API through azure-core's {@link HttpPipeline}: every call carries
 * a bearer token the credential gets for {@code ENDPOINT/.default}, is tried again by
 * {@link RetryPolicy#STANDARD} on a connection failure, a 5xx or a 429, and a long-running
 * operation is followed as ARM's guidelines say ({@code Azure-AsyncOperation}, else
 * {@code Location}, waiting {@code Retry-After}). A refusal is exit 1 with ARM's {@code error.code}
 * and {@code error.message}; a service that cannot be reached is exit 3.
 *
 * <pre>{@code
 * ResourceManager arm = new ResourceManager(AzureCloud.PUBLIC.resourceManager(), credential, HttpClient.createDefault(), List.of());
 * ResourceManager.Answer a = arm.call(HttpMethod.GET, id + "?api-version=2024-07-01", null, "look up image hello", 200, 404);
 * }</pre>
 */
final class ResourceManager {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "canceled");
    private static final Duration DEFAULT_POLL = Duration.ofSeconds(2);
    private static final Duration LONGEST_POLL = Duration.ofSeconds(60);
    private static final Duration OPERATION_LIMIT = Duration.ofMinutes(30);
    private static final int REASON_LIMIT = 400;

    private final String endpoint;
    private final HttpPipeline pipeline;
    private final List<Secret> secrets;

    /**
     * @param secrets what no message may show (the client secret the credential uses, ...)
     */
    ResourceManager(String endpoint, TokenCredential credential, HttpClient http, List<Secret> secrets) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.pipeline = new HttpPipelineBuilder().httpClient(http)
                .policies(new BearerTokenAuthenticationPolicy(credential, this.endpoint + "/.default")).build();
        this.secrets = List.copyOf(secrets);
    }

    String endpoint() {
        return endpoint;
    }

    /** An answer: its status, headers and JSON body ({@code {}} when it had none). */
    record Answer(int status, HttpHeaders headers, JsonNode body) {
        String header(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }
    }

    /**
     * Sends {@code method} to {@code path} (below the endpoint, with its query) or to an absolute
     * URL ARM gave, with {@code body} as JSON, and returns the answer if its status is accepted.
     *
     * @param what what the call does, for messages ("create image hello")
     */
    Answer call(HttpMethod method, String path, JsonNode body, String what, int... accepted)
            throws JcapException, InterruptedException {
        String url = path.startsWith("https://") || path.startsWith("http://") ? path : endpoint + path;
        return RetryPolicy.STANDARD.run(() -> {
            HttpRequest request = new HttpRequest(method, url).setHeader(HttpHeaderName.ACCEPT, "application/json");
            if (body != null) {
                request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(BinaryData.fromString(body.toString()));
            }
            try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
                int status = response.getStatusCode();
                String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
                for (int ok : accepted) {
                    if (status == ok) {
                        return RetryPolicy.done(new Answer(status, response.getHeaders(), json(text)));
                    }
                }
                JsonNode error = json(text).path("error");
                String message = hidden("Azure Resource Manager at " + endpoint + " refused to " + what + " (HTTP " + status
                        + (error.path("code").isTextual() ? ", " + error.path("code").asText() : "") + "): "
                        + reason(error.path("message").isTextual() ? error.path("message").asText() : text.strip()));
                if (RetryPolicy.isTransient(status)) {
                    return RetryPolicy.again(new EnvironmentException(message));
                }
                throw new JcapException(message, ExitCode.FAILURE, null);
            } catch (ClientAuthenticationException e) {
                throw credentialFailure(e);
            } catch (RuntimeException e) {
                IOException io = ioCause(e);
                if (io == null) {
                    throw new JcapException(hidden("Azure Resource Manager call to " + what + " failed: "
                            + reason(String.valueOf(e.getMessage()))), ExitCode.FAILURE, e);
                }
                return RetryPolicy.again(hiddenUnreachable(URI.create(url), io));
            }
        });
    }

    /**
     * Waits for the long-running operation {@code started} began and returns the operation's last
     * answer; an operation that ends {@code Failed} or {@code Canceled} is exit 1 with its error.
     */
    JsonNode await(Answer started, String resourcePath, String what) throws JcapException, InterruptedException {
        String async = started.header("Azure-AsyncOperation");
        String location = started.header("Location");
        Answer last = started;
        long deadline = System.nanoTime() + OPERATION_LIMIT.toNanos();
        while (true) {
            if (async != null) {
                String status = last == started ? "" : last.body().path("status").asText();
                if (TERMINAL.contains(status.toLowerCase(java.util.Locale.ROOT))) {
                    return ended(status, last.body(), last.body().path("error"), what);
                }
            } else if (location != null) {
                if (last != started && last.status() != 202) {
                    return last.body();
                }
            } else {
                String state = last.body().path("properties").path("provisioningState").asText("Succeeded");
                if (TERMINAL.contains(state.toLowerCase(java.util.Locale.ROOT))) {
                    return ended(state, last.body(), last.body().path("properties").path("error"), what);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new EnvironmentException("Azure Resource Manager did not " + what + " within "
                        + OPERATION_LIMIT.toMinutes() + " minutes; see the resource group's activity log");
            }
            Thread.sleep(pollInterval(last).toMillis());
            last = async != null ? call(HttpMethod.GET, async, null, "report on the operation to " + what, 200)
                    : location != null ? call(HttpMethod.GET, location, null, "report on the operation to " + what, 200, 202, 204)
                    : call(HttpMethod.GET, resourcePath, null, "report on the operation to " + what, 200);
        }
    }

    private JsonNode ended(String status, JsonNode body, JsonNode error, String what) throws JcapException {
        if (status.equalsIgnoreCase("Succeeded")) {
            return body;
        }
        throw new JcapException(hidden("Azure could not " + what + " (operation " + status
                + (error.path("code").isTextual() ? ", " + error.path("code").asText() : "") + "): "
                + reason(error.path("message").asText("no reason given"))), ExitCode.FAILURE, null);
    }

    private static Duration pollInterval(Answer answer) {
        String after = answer.header("Retry-After");
        if (after != null && after.strip().matches("\\d{1,5}")) {
            Duration asked = Duration.ofSeconds(Long.parseLong(after.strip()));
            return asked.compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : asked;
        }
        return DEFAULT_POLL;
    }

    private JcapException credentialFailure(ClientAuthenticationException e) {
        IOException io = ioCause(e);
        String reason = reason(firstLine(e.getMessage()));
        return io != null ? new EnvironmentException(hidden("cannot get a token for Azure Resource Manager: " + reason), e)
                : new JcapException(hidden("no Azure credentials for Resource Manager through DefaultAzureCredential"
                        + " (AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, workload or managed identity, az login): "
                        + reason), ExitCode.FAILURE, e);
    }

    private EnvironmentException hiddenUnreachable(URI uri, IOException io) {
        EnvironmentException e = RetryPolicy.unreachable("Azure Resource Manager", uri, io);
        return new EnvironmentException(hidden(e.getMessage()), io);
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private String hidden(String text) {
        String out = text;
        for (Secret secret : secrets) {
            if (secret.isIn(out)) {
                out = out.replace(secret.reveal(), "(secret)");
            }
        }
        return out;
    }

    private static JsonNode json(String text) {
        try {
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
    }

    private static String reason(String text) {
        return text.length() <= REASON_LIMIT ? text : text.substring(0, REASON_LIMIT) + "...";
    }
}
