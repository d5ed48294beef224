package io.jcap.builder.registry;

import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;

/**
 * The SHA-256 of bytes as they pass, computed by {@code openssl dgst -sha256} fed through a pipe:
 * under jcap's client compiler a Java SHA-256 reads about 70 MB/s and held pushes and pulls back,
 * while openssl (SHA extensions) reads several hundred MB/s on the other core. A Java digest when
 * openssl cannot be started.
 *
 * <pre>{@code
 * StreamDigest sha = StreamDigest.start();
 * sha.update(bytes, 0, n);
 * Sha256 digest = sha.finish();
 * }</pre>
 */
final class StreamDigest extends OutputStream {
    private final HostTool.Running openssl;
    private final OutputStream pipe;
    private final MessageDigest fallback;

    private StreamDigest(HostTool.Running openssl, MessageDigest fallback) {
        this.openssl = openssl;
        this.pipe = openssl == null ? null : new BufferedOutputStream(openssl.input(), 1 << 20);
        this.fallback = fallback;
    }

    /** A digest of what is written next. */
    static StreamDigest start() {
        try {
            return new StreamDigest(HostTool.startWithInput(List.of("openssl", "dgst", "-sha256", "-r"), null), null);
        } catch (EnvironmentException e) {
            return new StreamDigest(null, Sha256.newDigest());
        }
    }

    /** The digest of a file. */
    static Sha256 of(java.nio.file.Path file) throws JcapException, IOException {
        StreamDigest digest = start();
        try {
            java.nio.file.Files.copy(file, digest);
            return digest.finish();
        } finally {
            digest.abandon();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (pipe != null) {
            pipe.write(b, off, len);
        } else {
            fallback.update(b, off, len);
        }
    }

    /** The digest of everything written. */
    Sha256 finish() throws JcapException, IOException {
        if (pipe == null) {
            return Sha256.of(fallback);
        }
        pipe.close();
        HostTool.Result r = openssl.await(Duration.ofMinutes(10));
        String out = r.stdout();
        if (r.exitCode() != 0 || out.length() < 64 || !out.substring(0, 64).matches("[0-9a-f]{64}")) {
            throw new JcapException("openssl dgst -sha256 failed (exit " + r.exitCode() + "): " + r.lastErrorLine());
        }
        return new Sha256(out.substring(0, 64));
    }

    /** Stops the digest of a stream that failed. */
    void abandon() {
        if (openssl != null) {
            openssl.stop();
        }
    }
}
