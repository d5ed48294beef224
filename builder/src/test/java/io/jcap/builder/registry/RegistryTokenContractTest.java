package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bearer token flow against the real docker-registry configured for token auth; the token
 * service is {@link TestTokenService}, a stand-in for Docker Hub's, Harbor's or GitLab's, which no
 * Debian package provides. The registry verifies every token's signature, issuer, audience and
 * access itself.
 */
class RegistryTokenContractTest {
    @TempDir
    Path temp;
    LocalRegistry registry;
    TestTokenService tokens;
    ImageRepository repo;

    @BeforeEach
    void start() throws Exception {
        registry = LocalRegistry.local();
        tokens = new TestTokenService(registry);
        repo = new ImageRepository(temp.resolve("images"));
    }

    @AfterEach
    void stop() {
        if (tokens != null) {
            tokens.close();
        }
    }

    @Test
    void pushAndPull_getATokenForTheRepositorysScopeFromTheRealm() throws Exception {
        roundTrip(access(registry.password()), "tok-", 41);
        assertEquals(java.util.Set.of("GET"), java.util.Set.copyOf(tokens.grants), tokens.grants.toString());
    }

    /** An OAuth login (az acr login) leaves a placeholder user with no password, and the identity token beside it. */
    @Test
    void pushAndPull_withAnIdentityToken_tradeItForAccessTokens_inTheBodyOfARefreshGrant() throws Exception {
        roundTrip(identityTokenAccess(tokens.refreshToken), "idt-", 44);
        assertEquals(java.util.Set.of("refresh_token"), java.util.Set.copyOf(tokens.grants), tokens.grants.toString());
    }

    /** Pushes an image to a repository of its own and pulls it back; the tokens asked for push, then pull. */
    private void roundTrip(RegistryAccess access, String prefix, int seed) throws Exception {
        ImageReference ref = ImageReference.parse(registry.token().registry() + "/" + prefix + UUID.randomUUID().toString()
                .substring(0, 8) + "/hello:1");
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(4, 50_000), seed);

        new RegistryPush(access, "test").push(hello, ref, EventSink.NONE);
        ImageRepository.StoredImage pulled = new RegistryPull(access, repo).pull(ref, Optional.of("copy"), EventSink.NONE);

        assertArrayEquals(Files.readAllBytes(hello.file()), Files.readAllBytes(pulled.file()));
        assertEquals("repository:" + ref.repository() + ":pull,push", tokens.scopes.get(0));
        assertEquals("repository:" + ref.repository() + ":pull", tokens.scopes.get(tokens.scopes.size() - 1));
    }

    @Test
    void push_tokenServiceRefusesTheIdentityToken_namesWhereItCameFromWithoutIt() throws Exception {
        String wrong = "rt-wrong-" + UUID.randomUUID();

        String message = refusal(identityTokenAccess(wrong), "idt", 45);

        assertEquals("the token service of registry " + registry.token().registry() + " at http://127.0.0.1:"
                + registry.token().realmPort() + "/token refused the identity token from "
                + temp.resolve("docker/config.json") + " (HTTP 401): invalid_grant: unknown refresh token (secret)", message);
        assertFalse(message.contains(wrong));
    }

    @Test
    void push_tokenServiceRefusesTheCredentials_namesItWithoutThePassword() throws Exception {
        String wrong = "wrong-" + UUID.randomUUID();

        String message = refusal(access(wrong), "tok", 42);

        assertEquals("the token service of registry " + registry.token().registry() + " at http://127.0.0.1:"
                + registry.token().realmPort() + "/token refused user '" + registry.user() + "' from "
                + temp.resolve("docker/config.json") + " (HTTP 401): incorrect username or password: got Basic (secret)",
                message);
        assertFalse(message.contains(wrong));
        assertFalse(message.contains(Base64.getEncoder().encodeToString((registry.user() + ":" + wrong)
                .getBytes(StandardCharsets.UTF_8))), "nor in the form Basic authorization sends it");
    }

    /** The message of a push the token service refuses. */
    private String refusal(RegistryAccess access, String namespace, int seed) throws Exception {
        ImageReference ref = ImageReference.parse(registry.token().registry() + "/" + namespace + "/refused:1");
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(4, 50_000), seed);
        return assertThrows(JcapException.class, () -> new RegistryPush(access, "test").push(hello, ref, EventSink.NONE))
                .getMessage();
    }

    @Test
    void push_withoutCredentials_getsNoAccessAndSaysTheRegistryNeedsThem() throws Exception {
        ImageReference ref = ImageReference.parse(registry.token().registry() + "/tok/anonymous:1");
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(4, 50_000), 43);
        RegistryAccess anonymous = new RegistryAccess(new DockerConfig(Map.of(), temp), RegistryTls.DEFAULT);

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPush(anonymous, "test").push(hello, ref, EventSink.NONE));

        assertTrue(e.getMessage().startsWith("the token service of registry " + registry.token().registry() + " at http://"
                + "127.0.0.1:" + registry.token().realmPort() + "/token refused an anonymous request (HTTP 401)"), e.getMessage());
    }

    private RegistryAccess identityTokenAccess(String token) throws Exception {
        String placeholder = Base64.getEncoder().encodeToString("00000000-0000-0000-0000-000000000000:"
                .getBytes(StandardCharsets.UTF_8));
        return accessWith("{\"auth\": \"" + placeholder + "\", \"identitytoken\": \"" + token + "\"}");
    }

    private RegistryAccess access(String password) throws Exception {
        String auth = Base64.getEncoder().encodeToString((registry.user() + ":" + password).getBytes(StandardCharsets.UTF_8));
        return accessWith("{\"auth\": \"" + auth + "\"}");
    }

    /** Access with a Docker config whose entry for the token registry is {@code entry}. */
    private RegistryAccess accessWith(String entry) throws Exception {
        Path config = temp.resolve("docker/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"auths\": {\"" + registry.token().registry() + "\": " + entry + "}}");
        return new RegistryAccess(new DockerConfig(Map.of("DOCKER_CONFIG", config.getParent().toString()), temp),
                RegistryTls.DEFAULT);
    }
}
