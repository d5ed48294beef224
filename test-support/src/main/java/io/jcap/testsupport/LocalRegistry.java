package io.jcap.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The OCI registries {@code scripts/registry-services.sh} runs on 127.0.0.1 (Debian's
 * {@code docker-registry}): {@code plain}, HTTP without auth; {@code tls}, HTTPS with a
 * self-signed certificate ({@code certDir/ca.crt}) and htpasswd basic auth for {@code user}; and
 * {@code token}, HTTP with Bearer tokens from a token service the test runs.
 * Read from {@code registry.properties} in {@code $JCAP_SERVICES_DIR/registry}.
 *
 * <pre>{@code
 * LocalRegistry registry = LocalRegistry.local(); // skips, or fails under CI=true, without it
 * String ref = registry.plain() + "/hello:1";
 * }</pre>
 *
 * @param plain {@code 127.0.0.1:PORT} of the plain registry
 * @param tls {@code 127.0.0.1:PORT} of the TLS registry
 * @param user the TLS registry's user
 * @param password that user's password
 * @param certDir the folder holding the TLS registry's certificate as {@code ca.crt}
 * @param plainStorage the plain registry's storage folder (to tamper with a blob)
 * @param tlsStorage the TLS registry's storage folder
 * @param token the registry with Bearer token auth, and what its token service needs
 */
public record LocalRegistry(String plain, String tls, String user, String password, Path certDir, Path plainStorage,
                            Path tlsStorage, TokenAuth token) {
    /**
     * The registry that takes Bearer tokens, {@code 127.0.0.1:PORT}: its tokens come from
     * {@code http://127.0.0.1:realmPort/token}, where the test runs a token service of its own,
     * signed with {@code key} (PKCS#8 PEM) whose certificate {@code cert} the registry trusts.
     */
    public record TokenAuth(String registry, int realmPort, String service, String issuer, Path key, Path cert) {
    }

    /** The local registries; skips the test on a developer's machine without them, fails it under {@code CI=true}. */
    public static LocalRegistry local() {
        Requirements.require(Component.REGISTRY);
        try {
            return read(fixture(HostEnvironment.current()));
        } catch (IOException e) {
            return Requirements.missing("the test registries' " + fixture(HostEnvironment.current()) + ": " + e.getMessage());
        }
    }

    static Path fixture(HostEnvironment env) {
        return Path.of(env.variable("JCAP_SERVICES_DIR").orElse("/var/lib/jcap-services"), "registry", "registry.properties");
    }

    /** What keeps tests from using the registries: no fixture, one not accepting connections, or no skopeo. */
    static Optional<String> problem(HostEnvironment env) {
        Path file = fixture(env);
        if (!Files.isRegularFile(file)) {
            return Optional.of("no " + file);
        }
        if (env.onPath("skopeo").isEmpty()) {
            return Optional.of("skopeo is not on the PATH");
        }
        try {
            LocalRegistry r = read(file);
            for (String address : new String[] {r.plain, r.tls, r.token.registry}) {
                int colon = address.lastIndexOf(':');
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address.substring(0, colon),
                            Integer.parseInt(address.substring(colon + 1))), 2000);
                } catch (IOException e) {
                    return Optional.of("nothing answers at " + address + " (" + e.getMessage() + ")");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static LocalRegistry read(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        String[] keys = {"plain", "tls", "user", "password", "cert_dir", "storage_plain", "storage_tls", "token",
            "token_realm_port", "token_service", "token_issuer", "token_key", "token_cert"};
        String[] v = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            v[i] = p.getProperty(keys[i]);
            if (v[i] == null) {
                throw new IOException("no key " + keys[i] + " (run bash scripts/registry-services.sh again)");
            }
        }
        return new LocalRegistry(v[0], v[1], v[2], v[3], Path.of(v[4]), Path.of(v[5]), Path.of(v[6]),
                new TokenAuth(v[7], Integer.parseInt(v[8]), v[9], v[10], Path.of(v[11]), Path.of(v[12])));
    }
}
