package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's credential helper protocol ({@code docker-credential-NAME get}, the registry on standard
 * input, JSON out) with a shell script standing in for docker-credential-pass or -secretservice,
 * which need a GPG key or a desktop keyring this machine has not.
 */
class CredentialHelperContractTest {
    @TempDir
    Path home;

    @Test
    void credentialFor_asksTheCredHelperWithTheRegistryOnItsInput() throws Exception {
        // A stand-in for docker-credential-pass or -secretservice, which need a keyring: Docker's helper protocol.
        Path bin = Files.createDirectories(home.resolve("bin"));
        helper(bin, "jcaptest", "read host; [ \"$host\" = ghcr.io ] || { echo 'credentials not found in native keychain';"
                + " exit 1; }; echo '{\"ServerURL\":\"ghcr.io\",\"Username\":\"carol\",\"Secret\":\"tok-1\"}'");
        Path file = write(home.resolve(".docker/config.json"), "{\"credHelpers\": {\"ghcr.io\": \"jcaptest\"},"
                + " \"credsStore\": \"jcaptest\", \"auths\": {\"quay.io\": {\"auth\": \"" + b64("q:1") + "\"}}}");
        DockerConfig config = new DockerConfig(Map.of("PATH", bin.toString()), home);

        RegistryCredential c = config.credentialFor("ghcr.io").orElseThrow();

        assertEquals("carol", c.user());
        assertEquals("tok-1", c.password().reveal());
        assertEquals("docker-credential-jcaptest (credHelpers.ghcr.io of " + file + ")", c.source());
        assertEquals("q", config.credentialFor("quay.io").orElseThrow().user(), "the store has none: the auths entry");
    }

    @Test
    void credentialFor_helperNotOnThePath_namesItAndTheFile() throws Exception {
        Path file = write(home.resolve(".docker/config.json"), "{\"credsStore\": \"desktop\"}");
        JcapException e = assertThrows(JcapException.class,
                () -> new DockerConfig(Map.of("PATH", home.toString()), home).credentialFor("ghcr.io"));
        assertEquals("credsStore of " + file + " names the credential helper docker-credential-desktop, which is not on"
                + " the PATH", e.getMessage());
    }

    private static void helper(Path bin, String name, String body) throws Exception {
        Path script = Files.writeString(bin.resolve("docker-credential-" + name), "#!/bin/sh\n[ \"$1\" = get ] || exit 2\n"
                + body + "\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    private static Path write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
