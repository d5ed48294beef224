package io.jcap.builder.push.openstack;

import io.jcap.builder.push.Secret;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The credentials and settings of one OpenStack cloud, however the user gave them. Its secrets
 * print as {@code (secret)}.
 *
 * @param source where they came from, for messages ({@code cloud 'x' of /home/u/clouds.yaml})
 * @param authUrl Keystone's v3 URL, ending in {@code /v3}
 * @param auth the user's or application credential's identity and secret
 * @param region the catalog's region to take the image service of; any region when empty
 * @param endpointInterface the catalog interface: public, internal or admin
 * @param cacert the CA certificates (PEM) to verify TLS with; the JDK's when empty
 * @param insecure whether TLS certificates go unverified
 */
record CloudConfig(String source, String authUrl, Auth auth, Optional<String> region, String endpointInterface,
                   Optional<Path> cacert, boolean insecure) {
    static final Set<String> INTERFACES = Set.of("public", "internal", "admin");

    CloudConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(authUrl, "authUrl");
        Objects.requireNonNull(auth, "auth");
    }

    /** Who authenticates: a user with a password, or an application credential. */
    sealed interface Auth permits PasswordAuth, ApplicationCredentialAuth {
        /** The one-line name of who authenticates, without secrets ({@code user 'demo'}). */
        String who();
    }

    /** A user (by ID, or name and domain) with a password, scoped to a project. */
    record PasswordAuth(Optional<String> userId, Optional<String> username, Domain userDomain, Secret password,
                        Optional<String> projectId, Optional<String> projectName, Domain projectDomain) implements Auth {
        @Override
        public String who() {
            return "user '" + username.or(() -> userId).orElseThrow() + "'";
        }
    }

    /** An application credential by ID, or by name with its user. */
    record ApplicationCredentialAuth(Optional<String> id, Optional<String> name, Optional<String> userId,
                                     Optional<String> username, Domain userDomain, Secret secret) implements Auth {
        @Override
        public String who() {
            return "application credential '" + id.or(() -> name).orElseThrow() + "'";
        }
    }

    /** A domain by ID or name; {@code default} by ID when neither is given. */
    record Domain(Optional<String> id, Optional<String> name) {
    }

    /**
     * Reads a cloud from {@code values}, keyed as in clouds.yaml ({@code auth.auth_url},
     * {@code region_name}, ...); {@code keyName} says how the user wrote a key, for messages.
     */
    static CloudConfig of(Map<String, String> values, String source, UnaryOperator<String> keyName) throws JcapException {
        Reader r = new Reader(values, source, keyName);
        String authType = r.optional("auth_type").orElse(
                r.optional("auth.application_credential_secret").isPresent() ? "v3applicationcredential" : "password");
        String version = r.optional("identity_api_version").orElse("3");
        if (!version.equals("3")) {
            throw r.invalid("identity_api_version", version, "3 (Keystone v3; v2.0 is gone)");
        }
        Domain userDomain = r.domain("user");
        Auth auth = switch (authType) {
            case "password", "v3password" -> passwordAuth(r, userDomain);
            case "v3applicationcredential" -> {
                Optional<String> id = r.optional("auth.application_credential_id");
                if (id.isEmpty()) {
                    r.required("auth.application_credential_name");
                    r.requireOneOf("auth.user_id", "auth.username");
                }
                yield new ApplicationCredentialAuth(id, r.optional("auth.application_credential_name"),
                        r.optional("auth.user_id"), r.optional("auth.username"), userDomain,
                        new Secret(r.required("auth.application_credential_secret")));
            }
            default -> throw r.invalid("auth_type", authType, "password, v3password or v3applicationcredential");
        };
        String endpointInterface = r.optional("interface").orElse("public").toLowerCase(Locale.ROOT).replaceAll("url$", "");
        if (!INTERFACES.contains(endpointInterface)) {
            throw r.invalid("interface", r.optional("interface").orElseThrow(), "public, internal or admin");
        }
        Optional<Path> cacert = r.optional("cacert").map(Path::of);
        if (cacert.isPresent() && !Files.isRegularFile(cacert.get())) {
            throw new JcapException(r.key("cacert") + " of " + source + " names " + cacert.get()
                    + ", which is not a file: give the path of the CA certificates (PEM)");
        }
        boolean insecure = r.bool("insecure", false) || !r.bool("verify", true);
        String authUrl = r.required("auth.auth_url");
        io.jcap.builder.push.EndpointUrls.requireNoUserInfo(r.key("auth.auth_url") + " of " + source, authUrl);
        if (!isHttpUrl(authUrl)) {
            throw r.invalid("auth.auth_url", authUrl, "an http or https URL with a host, such as"
                    + " https://keystone.example.com:5000/v3");
        }
        return new CloudConfig(source, v3(authUrl), auth, r.optional("region_name"),
                endpointInterface, cacert, insecure);
    }

    private static PasswordAuth passwordAuth(Reader r, Domain userDomain) throws JcapException {
        r.requireOneOf("auth.user_id", "auth.username");
        Secret password = new Secret(r.required("auth.password"));
        r.requireOneOf("auth.project_id", "auth.project_name");
        return new PasswordAuth(r.optional("auth.user_id"), r.optional("auth.username"), userDomain, password,
                r.optional("auth.project_id"), r.optional("auth.project_name"), r.domain("project"));
    }

    /** Whether {@code url} is an absolute http(s) URL with a host and, if given, a port from 1 to 65535. */
    static boolean isHttpUrl(String url) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                && (uri.getPort() == -1 || (uri.getPort() >= 1 && uri.getPort() <= 65535));
    }

    /** Keystone's URL with its version: users write {@code https://host:5000} or {@code .../v3}. */
    static String v3(String url) {
        String trimmed = url.replaceAll("/+$", "");
        return trimmed.endsWith("/v3") ? trimmed : trimmed + "/v3";
    }

    /** Reads the keys of one cloud, with messages that name the key as the user wrote it. */
    private record Reader(Map<String, String> values, String source, UnaryOperator<String> keyName) {
        String key(String name) {
            return keyName.apply(name);
        }

        Optional<String> optional(String name) {
            return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
        }

        String required(String name) throws JcapException {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                throw new JcapException(source + " has no " + key(name) + ": " + what(name) + " is needed to authenticate");
            }
            return value.get();
        }

        void requireOneOf(String first, String second) throws JcapException {
            if (optional(first).isEmpty() && optional(second).isEmpty()) {
                throw new JcapException(source + " has neither " + key(first) + " nor " + key(second)
                        + ": one is needed to authenticate");
            }
        }

        Domain domain(String owner) {
            Optional<String> id = optional("auth." + owner + "_domain_id").or(() -> optional("auth.domain_id"));
            Optional<String> name = optional("auth." + owner + "_domain_name").or(() -> optional("auth.domain_name"));
            return new Domain(id.isEmpty() && name.isEmpty() ? Optional.of("default") : id, name);
        }

        boolean bool(String name, boolean otherwise) throws JcapException {
            Optional<String> value = optional(name).map(v -> v.toLowerCase(Locale.ROOT));
            if (value.isEmpty()) {
                return otherwise;
            }
            return switch (value.get()) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw invalid(name, value.get(), "true or false");
            };
        }

        JcapException invalid(String name, String value, String allowed) {
            return new JcapException(key(name) + " of " + source + " is '" + value + "': use " + allowed);
        }

        private static String what(String name) {
            return switch (name) {
                case "auth.auth_url" -> "Keystone's URL";
                case "auth.password" -> "the password";
                case "auth.application_credential_secret" -> "the application credential's secret";
                default -> "it";
            };
        }
    }
}
