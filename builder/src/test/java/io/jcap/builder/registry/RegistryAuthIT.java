package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.push.Secret;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS registry of scripts/registry-services.sh: a self-signed certificate and htpasswd basic auth. */
class RegistryAuthIT {
    @TempDir
    Path temp;
    LocalRegistry registry;
    ImageRepository repo;
    DockerConfig config;
    RegistryTls tls;
    ImageReference ref;

    @BeforeEach
    void setUp() {
        registry = LocalRegistry.local();
        repo = new ImageRepository(temp.resolve("images"));
        config = new DockerConfig(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString()), temp.resolve("home"));
        tls = new RegistryTls(Optional.of(registry.certDir()), false);
        ref = ImageReference.parse(registry.tls() + "/auth-" + UUID.randomUUID().toString().substring(0, 8) + "/hello:1");
    }

    @Test
    void login_thenPushAndPull_withTheStoredCredentials() throws Exception {
        List<String> log = new ArrayList<>();
        RegistryAccess access = new RegistryAccess(config, tls);
        Path written = access.login(registry.tls(), registry.user(), new Secret(registry.password()), recorder(log));

        assertEquals(temp.resolve("docker/config.json"), written);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
        String base64 = java.util.Base64.getEncoder().encodeToString((registry.user() + ":" + registry.password()).getBytes());
        assertTrue(Files.readString(written).contains("\"" + registry.tls() + "\" : {\n      \"auth\" : \"" + base64 + "\""),
                Files.readString(written));
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(3, 100_000), 31);
        new RegistryPush(access, "test").push(hello, ref, recorder(log));
        ImageRepository.StoredImage pulled = new RegistryPull(access, repo).pull(ref, Optional.of("again"), recorder(log));
        assertArrayEquals(Files.readAllBytes(hello.file()), Files.readAllBytes(pulled.file()));
        assertFalse(String.join("\n", log).contains(registry.password()), String.join("\n", log));
    }

    @Test
    void login_wrongPassword_isRefusedWithTheRegistrysReasonAndWritesNothing() throws Exception {
        String wrong = "not-" + registry.password();
        JcapException e = assertThrows(JcapException.class, () -> new RegistryAccess(config, tls)
                .login(registry.tls(), registry.user(), new Secret(wrong), EventSink.NONE));

        assertEquals("registry " + registry.tls() + " refused the credentials of user '" + registry.user()
                + "' from the command line (HTTP 401): UNAUTHORIZED: authentication required", e.getMessage());
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertFalse(Files.exists(temp.resolve("docker/config.json")));
    }

    @Test
    void push_withoutCredentials_saysToLogIn() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(3, 100_000), 32);
        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPush(new RegistryAccess(config, tls), "test").push(hello, ref, EventSink.NONE));
        assertEquals("registry " + registry.tls() + " needs credentials for " + ref.repository() + ": log in with jcap login "
                + registry.tls() + " (or docker login), or set REGISTRY_AUTH_FILE", e.getMessage());
    }

    @Test
    void push_withAWrongPasswordInThePodmanAuthFile_isRefusedWithoutShowingIt() throws Exception {
        String wrong = "wrong-" + UUID.randomUUID();
        Path auth = temp.resolve("auth.json");
        String pair = java.util.Base64.getEncoder().encodeToString((registry.user() + ":" + wrong).getBytes());
        Files.writeString(auth, "{\"auths\": {\"" + registry.tls() + "\": {\"auth\": \"" + pair + "\"}}}");
        DockerConfig podman = new DockerConfig(Map.of("REGISTRY_AUTH_FILE", auth.toString()), temp.resolve("home"));
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(3, 100_000), 33);
        List<String> log = new ArrayList<>();

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPush(new RegistryAccess(podman, tls), "test").push(hello, ref, recorder(log)));

        assertEquals("registry " + registry.tls() + " refused the credentials of user '" + registry.user() + "' from " + auth
                + " (HTTP 401): UNAUTHORIZED: authentication required", e.getMessage());
        assertFalse((e.getMessage() + log).contains(wrong));
        assertFalse((e.getMessage() + log).contains(pair));
    }

    @Test
    void push_withAnIdentityTokenToARegistryAskingForBasic_saysToLogInWithAPassword_withoutSendingIt() throws Exception {
        String token = "rt-" + UUID.randomUUID();
        Path auth = temp.resolve("auth.json");
        Files.writeString(auth, "{\"auths\": {\"" + registry.tls() + "\": {\"identitytoken\": \"" + token + "\"}}}");
        DockerConfig withToken = new DockerConfig(Map.of("REGISTRY_AUTH_FILE", auth.toString()), temp.resolve("home"));
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(3, 100_000), 34);

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPush(new RegistryAccess(withToken, tls), "test").push(hello, ref, EventSink.NONE));

        assertEquals("registry " + registry.tls() + " asks for a user and password (Basic), but " + auth + " holds an"
                + " identity token for it, which only a token service takes: log in with a password (jcap login "
                + registry.tls() + ")", e.getMessage());
    }

    @Test
    void push_withoutTheCertificate_cannotReachTheRegistry() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(3, 100_000), 34);
        JcapException e = assertThrows(JcapException.class, () -> new RegistryPush(
                new RegistryAccess(config, RegistryTls.DEFAULT), "test").push(hello, ref, EventSink.NONE));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("cannot reach registry " + registry.tls() + " at https://" + registry.tls() + ": ")
                && e.getMessage().contains("PKIX path building failed"), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (its certificate is not signed by a CA this machine trusts: give the folder of"
                + " its CA certificate with --cert-dir DIR, as ca.crt)"), e.getMessage());
    }

    @Test
    void push_toAPortNobodyListensOn_saysTheConnectionWasRefused() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(3, 100_000), 34);
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        ImageReference nowhere = ImageReference.parse("127.0.0.1:" + closed + "/auth/hello:1");
        JcapException e = assertThrows(JcapException.class, () -> new RegistryPush(
                new RegistryAccess(config, RegistryTls.DEFAULT), "test").push(hello, nowhere, EventSink.NONE));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertEquals("cannot reach registry 127.0.0.1:" + closed + " at https://127.0.0.1:" + closed + ": connection refused",
                e.getMessage());
    }

    private static EventSink recorder(List<String> lines) {
        return new EventSink() {
            @Override
            public void log(Level level, String message) {
                lines.add(message);
            }

            @Override
            public void progress(String task, long done, long total) {
                lines.add(task);
            }
        };
    }
}
