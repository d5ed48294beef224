package io.jcap.builder.push.openstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the credentials of a cloud the way OpenStack's own clients do: a cloud of
 * {@code clouds.yaml} (named by {@code --cloud} or {@code OS_CLOUD}, with {@code secure.yaml}
 * merged over it), or else the {@code OS_*} variables of an openrc file.
 *
 * <pre>{@code
 * CloudConfig cloud = CloudCredentials.ofHost(System.getenv()).resolve(Optional.of("mycloud"));
 * }</pre>
 *
 * @param env the environment variables
 * @param searchPath the folders to look for {@code clouds.yaml} and {@code secure.yaml} in, first
 *     found wins: the current folder, {@code ~/.config/openstack}, {@code /etc/openstack}
 */
record CloudCredentials(Map<String, String> env, List<Path> searchPath) {
    /** The {@code OS_*} variables and the clouds.yaml keys they stand for. */
    static final Map<String, String> VARIABLES = variables();

    CloudCredentials {
        env = Map.copyOf(env);
        searchPath = List.copyOf(searchPath);
    }

    /** This host's search path: the current folder, the user's and the system's OpenStack folders. */
    static CloudCredentials ofHost(Map<String, String> env) {
        return new CloudCredentials(env, List.of(Path.of("").toAbsolutePath(),
                io.jcap.host.UserHome.of(env).resolve(".config").resolve("openstack"), Path.of("/etc/openstack")));
    }

    /**
     * The cloud {@code cloud} names (else {@code OS_CLOUD}); without a name, the {@code OS_*}
     * variables when {@code OS_AUTH_URL} is set, else the only cloud of clouds.yaml.
     *
     * @throws JcapException naming the file and key that is missing or wrong, or the clouds there are
     */
    CloudConfig resolve(Optional<String> cloud) throws JcapException {
        Optional<String> name = cloud.or(() -> Optional.ofNullable(env.get("OS_CLOUD")).filter(s -> !s.isBlank()));
        Optional<Path> cloudsFile = find("OS_CLIENT_CONFIG_FILE", "clouds.yaml");
        if (name.isEmpty() && env.containsKey("OS_AUTH_URL")) {
            return fromVariables();
        }
        if (cloudsFile.isEmpty()) {
            throw new JcapException(name.map(n -> "no clouds.yaml to find cloud '" + n + "' in").orElse("no OpenStack credentials")
                    + ": looked for clouds.yaml in " + searchPath.stream().map(Path::toString).toList()
                    + " and OS_CLIENT_CONFIG_FILE; write one, or source your openrc file (OS_AUTH_URL, ...)");
        }
        ObjectNode clouds = cloudsOf(cloudsFile.get());
        List<String> names = new ArrayList<>();
        clouds.fieldNames().forEachRemaining(names::add);
        if (name.isEmpty()) {
            if (names.size() != 1) {
                throw new JcapException(cloudsFile.get() + " has " + names.size() + " clouds " + names
                        + ": pick one with --cloud NAME or OS_CLOUD");
            }
            name = Optional.of(names.get(0));
        }
        String picked = name.get();
        JsonNode node = clouds.get(picked);
        if (node == null || !node.isObject()) {
            throw new JcapException("no cloud '" + picked + "' in " + cloudsFile.get() + ": its clouds are " + names);
        }
        ObjectNode merged = node.deepCopy();
        String source = "cloud '" + picked + "' of " + cloudsFile.get();
        Optional<Path> secureFile = find("OS_CLIENT_SECURE_FILE", "secure.yaml");
        if (secureFile.isPresent()) {
            JsonNode secure = cloudsOf(secureFile.get()).get(picked);
            if (secure != null && secure.isObject()) {
                merge(merged, (ObjectNode) secure);
                source += " and " + secureFile.get();
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        flatten("", merged, values);
        return CloudConfig.of(values, source, key -> "clouds." + picked + "." + key);
    }

    private CloudConfig fromVariables() throws JcapException {
        Map<String, String> values = new LinkedHashMap<>();
        VARIABLES.forEach((variable, key) -> {
            if (env.containsKey(variable)) {
                values.put(key, env.get(variable));
            }
        });
        if (values.containsKey("auth.application_credential_secret")) {
            values.putIfAbsent("auth_type", "v3applicationcredential");
        }
        return CloudConfig.of(values, "the environment (OS_* variables)", key -> VARIABLES.entrySet().stream()
                .filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey).findFirst().orElse(key));
    }

    private Optional<Path> find(String variable, String fileName) throws JcapException {
        String named = env.get(variable);
        if (named != null && !named.isBlank()) {
            Path file = Path.of(named);
            if (!Files.isRegularFile(file)) {
                throw new JcapException(variable + " names " + file + ", which is not a file");
            }
            return Optional.of(file);
        }
        return searchPath.stream().map(dir -> dir.resolve(fileName)).filter(Files::isRegularFile).findFirst();
    }

    private static ObjectNode cloudsOf(Path file) throws JcapException {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // SnakeYAML's message spans lines (context, a caret); keep its unindented lines, in one.
            String reason = e.getOriginalMessage().lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                    .collect(java.util.stream.Collectors.joining(": "));
            throw new JcapException("cannot read " + file + ": " + reason
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonNode clouds = root == null ? null : root.get("clouds");
        if (clouds == null || !clouds.isObject()) {
            throw new JcapException(file + " has no 'clouds' mapping: write clouds: NAME: auth: ... as OpenStack documents");
        }
        return (ObjectNode) clouds;
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        from.fields().forEachRemaining(e -> {
            JsonNode mine = into.get(e.getKey());
            if (mine instanceof ObjectNode o && e.getValue() instanceof ObjectNode other) {
                merge(o, other);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> values) {
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                flatten(prefix + e.getKey() + ".", e.getValue(), values);
            } else if (e.getValue().isValueNode()) {
                values.put(prefix + e.getKey(), e.getValue().asText());
            }
        });
    }

    private static Map<String, String> variables() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("OS_AUTH_URL", "auth.auth_url");
        m.put("OS_AUTH_TYPE", "auth_type");
        m.put("OS_USERNAME", "auth.username");
        m.put("OS_USER_ID", "auth.user_id");
        m.put("OS_PASSWORD", "auth.password");
        m.put("OS_PROJECT_NAME", "auth.project_name");
        m.put("OS_PROJECT_ID", "auth.project_id");
        m.put("OS_USER_DOMAIN_NAME", "auth.user_domain_name");
        m.put("OS_USER_DOMAIN_ID", "auth.user_domain_id");
        m.put("OS_PROJECT_DOMAIN_NAME", "auth.project_domain_name");
        m.put("OS_PROJECT_DOMAIN_ID", "auth.project_domain_id");
        m.put("OS_REGION_NAME", "region_name");
        m.put("OS_INTERFACE", "interface");
        m.put("OS_CACERT", "cacert");
        m.put("OS_INSECURE", "insecure");
        m.put("OS_IDENTITY_API_VERSION", "identity_api_version");
        m.put("OS_APPLICATION_CREDENTIAL_ID", "auth.application_credential_id");
        m.put("OS_APPLICATION_CREDENTIAL_NAME", "auth.application_credential_name");
        m.put("OS_APPLICATION_CREDENTIAL_SECRET", "auth.application_credential_secret");
        return java.util.Collections.unmodifiableMap(m);
    }
}
