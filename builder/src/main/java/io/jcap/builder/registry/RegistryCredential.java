package io.jcap.builder.registry;

import io.jcap.builder.push.Secret;
import java.util.Objects;

/**
 * A user and password (or token) for one registry, and where they were found, for messages. An
 * identity token (an OAuth2 refresh token: {@code identitytoken} in Docker's config.json, or a
 * credential helper's answer with the user {@value #IDENTITY_TOKEN_USER}, Docker's convention) has
 * that user and the token as its password; a token service trades it for an access token.
 *
 * @param user the user name
 * @param password the password or token, never shown
 * @param source where they came from ({@code /home/alice/.docker/config.json}), for messages
 */
public record RegistryCredential(String user, Secret password, String source) {
    /** The user of an identity token, as Docker's credential helpers name it. */
    public static final String IDENTITY_TOKEN_USER = "<token>";

    public RegistryCredential {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(source, "source");
    }

    /** An identity token found in {@code source}. */
    public static RegistryCredential identityToken(Secret token, String source) {
        return new RegistryCredential(IDENTITY_TOKEN_USER, token, source);
    }

    /** Whether the password is an identity token, for a token service's refresh grant, not Basic. */
    public boolean isIdentityToken() {
        return user.equals(IDENTITY_TOKEN_USER);
    }
}
