package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.builder.push.Secret;
import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Docker credential helper ({@code docker-credential-NAME}, named by {@code credHelpers} or
 * {@code credsStore} of Docker's config.json), asked the way Docker asks it: {@code get} with the
 * registry on its standard input, {@code {"Username": ..., "Secret": ...}} on its output. A helper
 * that knows no credentials for the registry answers "credentials not found" and exits 1: anonymous.
 */
final class CredentialHelper {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private CredentialHelper() {
    }

    /**
     * The credential {@code name}'s helper has for {@code registry}.
     *
     * @param env the environment whose {@code PATH} the helper is looked up in
     * @param where the file and key that named the helper, for messages
     * @throws JcapException when the helper is missing or fails, naming it and {@code where}
     */
    static Optional<RegistryCredential> get(String name, String registry, Map<String, String> env, String where)
            throws JcapException {
        String program = "docker-credential-" + name;
        Path helper = find(program, env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin")).orElseThrow(() ->
                new EnvironmentException(where + " names the credential helper " + program + ", which is not on the PATH"));
        HostTool.Running running = HostTool.startWithInput(List.of(helper.toString(), "get"), null);
        try (OutputStream in = running.input()) {
            in.write(registry.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            running.stop();
            throw new JcapException("could not ask " + program + " (" + where + ") for " + registry + ": " + e.getMessage(), e);
        }
        HostTool.Result r = running.await(TIMEOUT);
        if (r.exitCode() != 0) {
            if ((r.stdout() + r.stderr()).contains("credentials not found")) {
                return Optional.empty();
            }
            throw new JcapException(program + " (" + where + ") failed for " + registry + " (exit " + r.exitCode() + "): "
                    + r.lastErrorLine());
        }
        try {
            JsonNode answer = RegistryHttp.JSON.readTree(r.stdout());
            String user = answer.path("Username").asText("");
            String secret = answer.path("Secret").asText("");
            if (secret.isEmpty()) {
                throw new JcapException(program + " (" + where + ") answered no Secret for " + registry);
            }
            return Optional.of(new RegistryCredential(user, new Secret(secret), program + " (" + where + ")"));
        } catch (IOException e) {
            // Without Jackson's exception as the cause: its text quotes the answer, a secret.
            throw new JcapException(program + " (" + where + ") answered something that is not JSON for " + registry);
        }
    }

    private static Optional<Path> find(String program, String path) {
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
