package io.jcap.builder.push.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.push.Secret;
import io.jcap.model.JcapException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keystone v3: a token for the cloud's user (password, scoped to its project) or application
 * credential (scoped by itself), and the image service's URL from that token's catalog.
 */
final class Keystone {
    private Keystone() {
    }

    /**
     * A token and what came with it.
     *
     * @param token the {@code X-Subject-Token}
     * @param projectId the project the token is scoped to
     * @param projectName its name
     * @param catalog the token's service catalog
     */
    record Session(Secret token, String projectId, String projectName, JsonNode catalog) {
        /**
         * The URL of the catalog's {@code type} service at {@code cloud}'s interface and region.
         *
         * @throws JcapException naming the regions and interfaces the catalog has
         */
        String endpoint(String type, CloudConfig cloud) throws JcapException {
            List<String> seen = new ArrayList<>();
            for (JsonNode service : catalog) {
                if (!type.equals(service.path("type").asText())) {
                    continue;
                }
                for (JsonNode endpoint : service.path("endpoints")) {
                    String region = endpoint.path("region_id").asText(endpoint.path("region").asText());
                    String iface = endpoint.path("interface").asText();
                    seen.add(iface + " in " + region);
                    if (iface.equals(cloud.endpointInterface()) && cloud.region().map(region::equals).orElse(true)) {
                        return endpoint.path("url").asText();
                    }
                }
            }
            String wanted = cloud.endpointInterface() + cloud.region().map(r -> " in " + r).orElse("");
            if (seen.isEmpty()) {
                throw new JcapException("the catalog of project '" + projectName + "' has no " + type
                        + " service: ask the cloud's operator for Glance, or check the project");
            }
            throw new JcapException("the catalog of project '" + projectName + "' has no " + type + " endpoint " + wanted
                    + " (" + cloud.source() + "): it has " + String.join(", ", seen)
                    + "; set region_name / OS_REGION_NAME or interface / OS_INTERFACE");
        }
    }

    /**
     * Authenticates with Keystone.
     *
     * @throws JcapException exit code 1 with Keystone's reason when it refuses the credentials,
     *     3 when it cannot be reached
     */
    static Session authenticate(OpenStackHttp http, CloudConfig cloud) throws JcapException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cloud.authUrl() + "/auth/tokens"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(cloud).toString())).build();
        HttpResponse<String> response = http.send("Keystone", request);
        if (response.statusCode() == 300 || response.statusCode() == 404 || response.statusCode() == 405) {
            // A version list (Glance's, or Keystone's root), or no such path: not Keystone's v3 API.
            throw new JcapException("auth_url " + cloud.authUrl() + " (" + cloud.source() + ") is not Keystone's v3 API"
                    + " (POST /auth/tokens answered HTTP " + response.statusCode() + "): set it to Keystone's URL, as"
                    + " https://keystone.example.com:5000/v3");
        }
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw http.refused("Keystone at " + cloud.authUrl(), "the " + cloud.auth().who() + " of " + cloud.source(),
                    response);
        }
        Optional<String> token = response.headers().firstValue("X-Subject-Token");
        if (token.isEmpty()) {
            throw new JcapException("Keystone at " + cloud.authUrl() + " answered without an X-Subject-Token header");
        }
        Secret secret = new Secret(token.get());
        http.hide(secret);
        JsonNode body = http.json("Keystone", response).path("token");
        if (!body.has("project") || !body.has("catalog")) {
            throw new JcapException("Keystone gave the " + cloud.auth().who() + " of " + cloud.source()
                    + " a token without a project: set project_name or project_id (OS_PROJECT_NAME)");
        }
        return new Session(secret, body.path("project").path("id").asText(), body.path("project").path("name").asText(),
                body.path("catalog"));
    }

    private static ObjectNode body(CloudConfig cloud) {
        ObjectNode root = OpenStackHttp.JSON.createObjectNode();
        ObjectNode auth = root.putObject("auth");
        ObjectNode identity = auth.putObject("identity");
        if (cloud.auth() instanceof CloudConfig.PasswordAuth p) {
            identity.putArray("methods").add("password");
            ObjectNode user = identity.putObject("password").putObject("user");
            identify(user, p.userId(), p.username(), p.userDomain());
            user.put("password", p.password().reveal());
            ObjectNode project = auth.putObject("scope").putObject("project");
            if (p.projectId().isPresent()) {
                project.put("id", p.projectId().get());
            } else {
                project.put("name", p.projectName().orElse(""));
                domain(project, p.projectDomain());
            }
        } else if (cloud.auth() instanceof CloudConfig.ApplicationCredentialAuth a) {
            identity.putArray("methods").add("application_credential");
            ObjectNode credential = identity.putObject("application_credential");
            if (a.id().isPresent()) {
                credential.put("id", a.id().get());
            } else {
                credential.put("name", a.name().orElseThrow());
                identify(credential.putObject("user"), a.userId(), a.username(), a.userDomain());
            }
            credential.put("secret", a.secret().reveal());
        }
        return root;
    }

    private static void identify(ObjectNode user, Optional<String> id, Optional<String> name, CloudConfig.Domain domain) {
        if (id.isPresent()) {
            user.put("id", id.get());
        } else {
            user.put("name", name.orElseThrow());
            domain(user, domain);
        }
    }

    private static void domain(ObjectNode owner, CloudConfig.Domain domain) {
        ObjectNode node = owner.putObject("domain");
        if (domain.id().isPresent()) {
            node.put("id", domain.id().get());
        } else {
            node.put("name", domain.name().orElseThrow());
        }
    }
}
