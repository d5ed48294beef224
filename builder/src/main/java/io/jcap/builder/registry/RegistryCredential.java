package io.jcap.builder.registry;

import io.jcap.builder.push.Secret;
import java.util.Objects;

/**
 * A user and password (or token) for one registry, and where they were found, for messages.
 *
 * @param user the user name
 * @param password the password or token, never shown
 * @param source where they came from ({@code /home/alice/.docker/config.json}), for messages
 */
public record RegistryCredential(String user, Secret password, String source) {
    public RegistryCredential {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(source, "source");
    }
}
