package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.push.Secret;
import io.jcap.host.Durable;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The credential files Docker, podman and skopeo share, read the way they read them: the first of
 * {@code REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json} and Docker's
 * {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}) that
 * has an {@code auths} entry for the registry. An entry is found by the registry's host (with its
 * port) or by a URL with that host ({@code https://index.docker.io/v1/} for Docker Hub). A file's
 * credential helper ({@code credHelpers} for the registry, else {@code credsStore}) is asked
 * first, as Docker does ({@link CredentialHelper}).
 *
 * <pre>{@code
 * Optional<RegistryCredential> c = DockerConfig.fromEnvironment().credentialFor("ghcr.io");
 * }</pre>
 *
 * @param env the environment variables (the process's own outside tests)
 * @param home the user's home folder
 */
public record DockerConfig(Map<String, String> env, Path home) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER_HUB = "docker.io";
    /** The names Docker Hub's entry has had in config.json; docker login writes the first. */
    private static final List<String> DOCKER_HUB_KEYS = List.of("index.docker.io", "docker.io", "registry-1.docker.io");

    public DockerConfig {
        env = Map.copyOf(env);
    }

    /** The process's environment and home. */
    public static DockerConfig fromEnvironment() {
        return new DockerConfig(System.getenv(), io.jcap.host.UserHome.of(System.getenv()));
    }

    /** The files searched, in order (those that do not exist included). */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        Optional.ofNullable(env.get("REGISTRY_AUTH_FILE")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(files::add);
        Optional.ofNullable(env.get("XDG_RUNTIME_DIR")).filter(s -> !s.isBlank())
                .map(d -> Path.of(d, "containers", "auth.json")).ifPresent(files::add);
        files.add(dockerConfigFile());
        return files;
    }

    /** Docker's own file, which {@code jcap login} writes as {@code docker login} does. */
    public Path dockerConfigFile() {
        String dir = env.get("DOCKER_CONFIG");
        return (dir == null || dir.isBlank() ? home.resolve(".docker") : Path.of(dir)).resolve("config.json");
    }

    /**
     * The credential for {@code registry} ({@code host[:port]} as references name it: {@code docker.io}
     * for Docker Hub), if a file has one.
     *
     * @throws JcapException when a file cannot be read or its entry is malformed, naming the file and entry
     */
    public Optional<RegistryCredential> credentialFor(String registry) throws JcapException {
        for (Path file : files()) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root = read(file);
            Optional<RegistryCredential> helped = helped(root, file, registry);
            if (helped.isPresent()) {
                return helped;
            }
            JsonNode auths = root.path("auths");
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String host = hostOf(entry.getKey());
                if (host.equals(registry) || registry.equals(DOCKER_HUB) && DOCKER_HUB_KEYS.contains(host)) {
                    return Optional.of(decode(file, entry.getKey(), entry.getValue()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * What the file's credential helper has for {@code registry}: {@code credHelpers.REGISTRY}, else
     * {@code credsStore} (Docker's order); empty when the file names none or the helper has none.
     */
    private Optional<RegistryCredential> helped(JsonNode root, Path file, String registry) throws JcapException {
        String key = registry.equals(DOCKER_HUB) ? "https://index.docker.io/v1/" : registry;
        JsonNode perRegistry = root.path("credHelpers").path(key);
        if (perRegistry.isTextual() && !perRegistry.asText().isBlank()) {
            return CredentialHelper.get(perRegistry.asText(), key, env, "credHelpers." + key + " of " + file);
        }
        JsonNode store = root.path("credsStore");
        if (store.isTextual() && !store.asText().isBlank()) {
            return CredentialHelper.get(store.asText(), key, env, "credsStore of " + file);
        }
        return Optional.empty();
    }

    /**
     * Writes {@code user} and {@code password} for {@code registry} into Docker's file, keeping
     * everything else in it; the file is replaced atomically and readable by its owner only.
     */
    public Path store(String registry, String user, Secret password) throws JcapException {
        Path file = dockerConfigFile();
        ObjectNode root = Files.isRegularFile(file) && read(file) instanceof ObjectNode o ? o : JSON.createObjectNode();
        JsonNode auths = root.path("auths");
        ObjectNode entries = auths instanceof ObjectNode o ? o : root.putObject("auths");
        String token = Base64.getEncoder().encodeToString((user + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
        entries.putObject(registry.equals(DOCKER_HUB) ? "https://index.docker.io/v1/" : registry).put("auth", token);
        try {
            Files.createDirectories(file.getParent());
            // The temporary file it renames is created 0600, so the credentials are never readable by others.
            Durable.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new JcapException("could not write the credentials to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static String hostOf(String key) {
        if (key.contains("://")) {
            URI uri = URI.create(key);
            return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        }
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    private static RegistryCredential decode(Path file, String key, JsonNode entry) throws JcapException {
        String where = "auths." + key + " of " + file;
        // Before auth: a login through OAuth (az acr login) writes a placeholder user with an empty
        // password there, and the token beside it.
        String identityToken = entry.path("identitytoken").asText("");
        if (!identityToken.isEmpty()) {
            return RegistryCredential.identityToken(new Secret(identityToken), file.toString());
        }
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new JcapException(where + " has an 'auth' that is not base64: write it again with jcap login " + key);
            }
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new JcapException(where + " has an 'auth' without 'user:password' in it: write it again with jcap login " + key);
            }
            return new RegistryCredential(pair.substring(0, colon), new Secret(pair.substring(colon + 1)), file.toString());
        }
        if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
            return new RegistryCredential(entry.get("username").asText(), new Secret(entry.get("password").asText()),
                    file.toString());
        }
        throw new JcapException(where + " has neither 'auth' nor 'username' and 'password' nor 'identitytoken'"
                + ": write it again with jcap login " + key);
    }

    private static JsonNode read(Path file) throws JcapException {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            // The place alone: Jackson's reason quotes the text it stopped at, here a password or its base64.
            // Nor is Jackson's exception the cause: --stacktrace prints causes.
            throw new JcapException("cannot read the registry credentials in " + file + ": "
                    + io.jcap.formats.json.JsonTrees.placeOnly(e) + " (fix or remove the file)",
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException ? null : e);
        }
    }
}
