package io.jcap.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The test cloud {@code scripts/openstack-services.sh} runs on 127.0.0.1: Keystone's and Glance's
 * URLs, a project with a user and its password, an application credential of that user, and a
 * region whose image service never answers. Read from {@code cloud.properties} in the script's
 * state folder ({@code $JCAP_SERVICES_DIR/openstack}, default {@code /var/lib/jcap-services/openstack}).
 *
 * <pre>{@code
 * OpenStackCloud cloud = OpenStackCloud.local(); // skips, or fails under CI=true, without it
 * Files.writeString(dir.resolve("clouds.yaml"), cloud.cloudsYaml("local", cloud.password()));
 * }</pre>
 */
public record OpenStackCloud(String authUrl, String imageUrl, String region, String unreachableRegion, String project,
                             String user, String password, String userDomain, String projectDomain,
                             String applicationCredentialId, String applicationCredentialSecret) {
    /** The local test cloud; skips the test on a developer's machine without it, fails it under {@code CI=true}. */
    public static OpenStackCloud local() {
        Requirements.require(Component.OPENSTACK);
        try {
            return read(fixture(HostEnvironment.current()));
        } catch (IOException e) {
            return Requirements.missing("the test cloud's " + fixture(HostEnvironment.current()) + ": " + e.getMessage());
        }
    }

    /** A clouds.yaml with one cloud, {@code name}: the test user with {@code userPassword}, password auth. */
    public String cloudsYaml(String name, String userPassword) {
        return "clouds:\n  " + name + ":\n    auth:\n      auth_url: " + authUrl + "\n      username: " + user
                + "\n      password: " + userPassword + "\n      project_name: " + project + "\n      user_domain_name: "
                + userDomain + "\n      project_domain_name: " + projectDomain + "\n    region_name: " + region + "\n";
    }

    /** The {@code OS_*} variables of an openrc file for the test user. */
    public Map<String, String> openrc() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OS_AUTH_URL", authUrl);
        env.put("OS_USERNAME", user);
        env.put("OS_PASSWORD", password);
        env.put("OS_PROJECT_NAME", project);
        env.put("OS_USER_DOMAIN_NAME", userDomain);
        env.put("OS_PROJECT_DOMAIN_NAME", projectDomain);
        env.put("OS_REGION_NAME", region);
        env.put("OS_INTERFACE", "public");
        return env;
    }

    /** The process ID of the Glance the script started (to pause it: a test of an upload killed half-way). */
    public long glancePid() throws IOException {
        Path pid = fixture(HostEnvironment.current()).resolveSibling("glance.pid");
        return Long.parseLong(Files.readString(pid).strip());
    }

    /**
     * Glance's own log: a request it finished is a line {@code "PUT /v2/images/ID/file HTTP/1.1" 500 ...},
     * written once it has set the image's status after the request (a test of an upload killed half-way
     * waits for it).
     */
    public Path glanceLog() {
        return fixture(HostEnvironment.current()).resolveSibling("glance-server.log");
    }

    static Path fixture(HostEnvironment env) {
        return Path.of(env.variable("JCAP_SERVICES_DIR").orElse("/var/lib/jcap-services"), "openstack", "cloud.properties");
    }

    /** What keeps tests from using the cloud: no fixture, or Keystone or Glance not accepting connections. */
    static Optional<String> problem(HostEnvironment env) {
        Path file = fixture(env);
        if (!Files.isRegularFile(file)) {
            return Optional.of("no " + file);
        }
        try {
            OpenStackCloud cloud = read(file);
            for (String url : new String[] {cloud.authUrl, cloud.imageUrl}) {
                URI uri = URI.create(url);
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
                } catch (IOException e) {
                    return Optional.of("nothing answers at " + uri.getHost() + ":" + uri.getPort() + " (" + e.getMessage() + ")");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static OpenStackCloud read(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        String[] keys = {"auth_url", "image_url", "region", "unreachable_region", "project", "user", "password",
                "user_domain", "project_domain", "application_credential_id", "application_credential_secret"};
        String[] v = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            v[i] = p.getProperty(keys[i]);
            if (v[i] == null) {
                throw new IOException("no key " + keys[i] + " (run bash scripts/openstack-services.sh again)");
            }
        }
        return new OpenStackCloud(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }
}
