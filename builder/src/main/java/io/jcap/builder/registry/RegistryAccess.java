package io.jcap.builder.registry;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.builder.push.Secret;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How jcap reaches registries: where credentials are read and how TLS is trusted.
 *
 * <pre>{@code
 * RegistryAccess access = new RegistryAccess(DockerConfig.fromEnvironment(), RegistryTls.DEFAULT);
 * }</pre>
 *
 * @param credentials the credential files (Docker's, podman's)
 * @param tls the certificates trusted and whether plain HTTP is allowed
 */
public record RegistryAccess(DockerConfig credentials, RegistryTls tls) {
    public RegistryAccess {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(tls, "tls");
    }

    /** The process's credential files and the JDK's trust store. */
    public static RegistryAccess fromEnvironment() {
        return new RegistryAccess(DockerConfig.fromEnvironment(), RegistryTls.DEFAULT);
    }

    /**
     * Checks {@code user} and {@code password} with {@code registry} ({@code host[:port]}) as
     * {@code docker login} does ({@code GET /v2/}, authenticated as the registry asks), then stores
     * them in Docker's {@code config.json}.
     *
     * @return the file written
     * @throws JcapException exit code 1 when the registry refuses them (nothing is written), 3 when unreachable
     */
    public Path login(String registry, String user, Secret password, EventSink events) throws JcapException, InterruptedException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(registry + "/login");
        } catch (IllegalArgumentException e) {
            throw JcapException.usage(notARegistry(registry), e);
        }
        if (!ref.registry().equals(registry) && !registry.equals("docker.io")) {
            throw JcapException.usage(notARegistry(registry));
        }
        RegistryHttp http = new RegistryHttp(ref, null, Optional.of(new RegistryCredential(user, password,
                "the command line")), tls);
        http.connect();
        if (http.authorization() == null) {
            events.warn("Registry " + registry + " asked for no credentials; storing them anyway");
        }
        return credentials.store(ref.registry(), user, password);
    }

    private static String notARegistry(String registry) {
        return "'" + registry + "' is not a registry: give HOST or HOST:PORT, as ghcr.io or localhost:5000";
    }

    /** A session with {@code ref}'s repository for {@code actions} ({@code pull}, {@code pull,push}), connected. */
    RemoteRepository open(ImageReference ref, String actions, EventSink events) throws JcapException, InterruptedException {
        Optional<RegistryCredential> credential = credentials.credentialFor(ref.registry());
        events.debug(credential.map(c -> "Registry " + ref.registry() + ": user '" + c.user() + "' from " + c.source())
                .orElse("Registry " + ref.registry() + ": no credentials in " + credentials.files() + ", anonymous"));
        RegistryHttp http = new RegistryHttp(ref, actions, credential, tls);
        http.connect();
        events.debug("Registry " + ref.registry() + " answers at " + http.base());
        return new RemoteRepository(http);
    }
}
