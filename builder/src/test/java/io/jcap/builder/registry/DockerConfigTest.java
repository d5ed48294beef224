package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.push.Secret;
import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
    @TempDir
    Path home;

    @Test
    void credentialFor_readsAuthsOfDockersFileInTheHome() throws Exception {
        write(home.resolve(".docker/config.json"), "{\"auths\": {\"ghcr.io\": {\"auth\": \"" + b64("alice:s3cret") + "\"}}}");
        RegistryCredential c = new DockerConfig(Map.of(), home).credentialFor("ghcr.io").orElseThrow();
        assertEquals("alice", c.user());
        assertEquals("s3cret", c.password().reveal());
        assertEquals(home.resolve(".docker/config.json").toString(), c.source());
        assertEquals(Optional.empty(), new DockerConfig(Map.of(), home).credentialFor("quay.io"));
    }

    @Test
    void credentialFor_dockerHubEntryByItsUrl() throws Exception {
        write(home.resolve(".docker/config.json"), "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \""
                + b64("bob:pw:with:colons") + "\"}}}");
        RegistryCredential c = new DockerConfig(Map.of(), home).credentialFor("docker.io").orElseThrow();
        assertEquals("bob", c.user());
        assertEquals("pw:with:colons", c.password().reveal());
    }

    @Test
    void credentialFor_registryAuthFileComesFirst_thenDockerConfig() throws Exception {
        Path podman = write(home.resolve("auth.json"), "{\"auths\": {\"localhost:5000\": {\"auth\": \"" + b64("p:1") + "\"}}}");
        Path docker = write(home.resolve("dc/config.json"), "{\"auths\": {\"localhost:5000\": {\"auth\": \"" + b64("d:2")
                + "\"}, \"other:1\": {\"username\": \"u\", \"password\": \"3\"}}}");
        DockerConfig config = new DockerConfig(Map.of("REGISTRY_AUTH_FILE", podman.toString(),
                "DOCKER_CONFIG", docker.getParent().toString()), home);
        assertEquals(List.of(podman, docker), config.files());
        assertEquals("p", config.credentialFor("localhost:5000").orElseThrow().user());
        assertEquals("u", config.credentialFor("other:1").orElseThrow().user());
    }

    /** az acr login's form: a placeholder user with an empty password, and the identity token. */
    @Test
    void credentialFor_identityToken_comesBeforeThePlaceholderAuth() throws Exception {
        write(home.resolve(".docker/config.json"), "{\"auths\": {\"x.azurecr.io\": {\"auth\": \""
                + b64("00000000-0000-0000-0000-000000000000:") + "\", \"identitytoken\": \"eyJ.rt\"},"
                + " \"quay.io\": {\"email\": \"a@b\"}}}");
        RegistryCredential c = new DockerConfig(Map.of(), home).credentialFor("x.azurecr.io").orElseThrow();
        assertTrue(c.isIdentityToken());
        assertEquals("eyJ.rt", c.password().reveal());
        assertFalse(new RegistryCredential("alice", new Secret("pw"), "x").isIdentityToken());
        JcapException e = assertThrows(JcapException.class, () -> new DockerConfig(Map.of(), home).credentialFor("quay.io"));
        assertEquals("auths.quay.io of " + home.resolve(".docker/config.json") + " has neither 'auth' nor 'username' and"
                + " 'password' nor 'identitytoken': write it again with jcap login quay.io", e.getMessage());
    }

    @Test
    void credentialFor_authThatIsNotBase64_namesTheFileAndEntry() throws Exception {
        Path file = write(home.resolve(".docker/config.json"), "{\"auths\": {\"ghcr.io\": {\"auth\": \"%%%\"}}}");
        JcapException e = assertThrows(JcapException.class, () -> new DockerConfig(Map.of(), home).credentialFor("ghcr.io"));
        assertEquals("auths.ghcr.io of " + file + " has an 'auth' that is not base64: write it again with jcap login ghcr.io",
                e.getMessage());
    }

    @Test
    void credentialFor_truncatedFile_namesTheFileAndThePlace_inOneLine() throws Exception {
        Path file = write(home.resolve(".docker/config.json"), "{\"auths\": {\"ghcr.io\": {");
        JcapException e = assertThrows(JcapException.class, () -> new DockerConfig(Map.of(), home).credentialFor("ghcr.io"));
        assertEquals("cannot read the registry credentials in " + file + ": not valid JSON at line 1, column 24 (fix or"
                + " remove the file)", e.getMessage());
    }

    /** A password or an auth missing its opening quote: the message says where, never what. */
    @Test
    void credentialFor_malformedSecret_isPlacedButNotQuoted() throws Exception {
        Path auth = write(home.resolve(".docker/config.json"), "{\"auths\": {\"ghcr.io\": {\"auth\": dXNlcjpzM2NyZXQ=\"}}}");
        JcapException e = assertThrows(JcapException.class, () -> new DockerConfig(Map.of(), home).credentialFor("ghcr.io"));
        Path password = write(home.resolve("auth.json"), "{\"auths\": {\"ghcr.io\": {\"username\": \"u\", \"password\":"
                + " s3cretWord\"}}}");
        JcapException p = assertThrows(JcapException.class,
                () -> new DockerConfig(Map.of("REGISTRY_AUTH_FILE", password.toString()), home).credentialFor("ghcr.io"));

        assertEquals("cannot read the registry credentials in " + auth + ": not valid JSON at line 1, column 48 (fix or"
                + " remove the file)", e.getMessage());
        assertFalse(p.getMessage().contains("s3cret"), p.getMessage());
        // Nor in what --stacktrace prints: the causes' messages too.
        for (JcapException thrown : java.util.List.of(e, p)) {
            java.io.StringWriter trace = new java.io.StringWriter();
            thrown.printStackTrace(new java.io.PrintWriter(trace));
            assertFalse(trace.toString().contains("s3cret") || trace.toString().contains("dXNlcjpzM2NyZXQ"),
                    trace.toString());
        }
        assertTrue(p.getMessage().startsWith("cannot read the registry credentials in " + password + ": not valid JSON at"
                + " line 1, column "), p.getMessage());
    }

    @Test
    void store_keepsTheRestOfTheFileAndWritesAuthAsDockerLoginDoes() throws Exception {
        Path file = write(home.resolve(".docker/config.json"), "{\"credsStore\": \"desktop\", \"auths\": {\"quay.io\": {}}}");
        new DockerConfig(Map.of(), home).store("ghcr.io", "alice", new Secret("pw"));
        String text = Files.readString(file);
        assertTrue(text.contains("\"credsStore\" : \"desktop\""), text);
        assertTrue(text.contains("\"quay.io\" : { }"), text);
        assertTrue(text.contains("\"ghcr.io\" : {\n      \"auth\" : \"" + b64("alice:pw") + "\""), text);
    }

    private static Path write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
