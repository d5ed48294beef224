package io.jcap.builder.registry;

import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;

/**
 * One repository of a registry through the OCI distribution API: blobs checked ({@code HEAD}),
 * uploaded ({@code POST} then one streamed {@code PUT ?digest=}) and fetched, manifests stored and
 * fetched.
 */
final class RemoteRepository {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final int BUFFER = 1 << 20;

    private final RegistryHttp http;

    RemoteRepository(RegistryHttp http) {
        this.http = http;
    }

    /** Writes a blob's bytes into the upload's stream. */
    @FunctionalInterface
    interface BlobWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A manifest as the registry sent it. */
    record Manifest(byte[] bytes, String mediaType, Optional<String> registryDigest) {
    }

    /** Whether the repository has the blob (then a push sends nothing for it). */
    boolean hasBlob(Sha256 digest) throws JcapException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(http.repositoryUri("blobs/sha256:" + digest.hex()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding(),
                200, 307, 302, 404);
        // A registry on object storage answers a blob it has with a redirect to it.
        return r.statusCode() != 404;
    }

    /**
     * Uploads {@code size} bytes that {@code content} writes, which must have SHA-256 {@code digest}
     * (the registry checks it and refuses the upload otherwise). Streamed: never whole in memory.
     */
    void uploadBlob(Sha256 digest, long size, BlobWriter content) throws JcapException, InterruptedException {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(http.repositoryUri("blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString(), 202);
        String location = started.headers().firstValue("Location").orElseThrow(() -> new JcapException("registry "
                + http.base() + " started an upload without saying where to send it (no Location header)"));
        URI target = http.base().resolve(location);
        URI put = URI.create(target + (target.getRawQuery() == null ? "?" : "&") + "digest=sha256:" + digest.hex());
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) put.toURL().openConnection();
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(http.ssl().getSocketFactory());
            }
            c.setRequestMethod("PUT");
            c.setConnectTimeout((int) RegistryHttp.CONNECT_TIMEOUT.toMillis());
            // The registry checks the digest of what came before it answers: a minute for that.
            c.setReadTimeout((int) StallBound.DEFAULT.toMillis());
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(size);
            c.setRequestProperty("Content-Type", "application/octet-stream");
            if (http.authorization() != null) {
                c.setRequestProperty("Authorization", http.authorization());
            }
            HttpURLConnection connection = c;
            try (OutputStream out = new java.io.BufferedOutputStream(new StallBound.Output(c.getOutputStream(),
                    StallBound.DEFAULT, "blob sha256:" + digest.hex() + " for " + http.base(), connection::disconnect),
                    BUFFER)) {
                content.writeTo(out);
            }
            int status = c.getResponseCode();
            if (status != 201) {
                InputStream err = c.getErrorStream();
                String body = err == null ? "" : new String(err.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
                throw http.failure(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.noBody()).build(), status, body);
            }
        } catch (StallBound.Failed e) {
            throw new io.jcap.model.EnvironmentException(e.getMessage(), e);
        } catch (IOException e) {
            throw http.unreachable(put, e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** The blob's bytes as the registry (or the storage it redirects to) streams them; the caller checks its digest. */
    InputStream openBlob(Sha256 digest) throws JcapException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(http.repositoryUri("blobs/sha256:" + digest.hex()))
                .GET(), HttpResponse.BodyHandlers.ofInputStream(), 200, 301, 302, 303, 307, 308);
        if (r.statusCode() == 200) {
            return r.body();
        }
        try (InputStream ignored = r.body()) {
            String location = r.headers().firstValue("Location").orElseThrow(() -> new JcapException("registry "
                    + http.base() + " redirected blob sha256:" + digest.hex() + " without a Location"));
            URI target;
            try {
                target = r.uri().resolve(location);
            } catch (IllegalArgumentException e) {
                throw new JcapException("registry " + http.base() + " redirected blob sha256:" + digest.hex()
                        + " to a Location that is not a URL");
            }
            return http.getRedirected(target).body();
        } catch (java.io.IOException e) {
            throw http.unreachable(r.uri(), e);
        }
    }

    /** The manifest of a tag or digest ({@code sha256:...}). */
    Manifest manifest(String key) throws JcapException, InterruptedException {
        return manifest(key, OCI_MANIFEST + ", " + DOCKER_MANIFEST);
    }

    /** The same, accepting {@code accept} (a container image may be an index of platforms). */
    Manifest manifest(String key, String accept) throws JcapException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(http.repositoryUri("manifests/" + key))
                .header("Accept", accept).GET(), HttpResponse.BodyHandlers.ofByteArray(), 200);
        return new Manifest(r.body(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Docker-Content-Digest"));
    }

    /** Stores a manifest under {@code key} (a tag, or its own digest). */
    void putManifest(String key, byte[] manifest, String mediaType) throws JcapException, InterruptedException {
        http.send(HttpRequest.newBuilder(http.repositoryUri("manifests/" + key)).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)), HttpResponse.BodyHandlers.ofString(), 201);
    }
}
