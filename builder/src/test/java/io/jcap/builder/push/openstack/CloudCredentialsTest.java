package io.jcap.builder.push.openstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudCredentialsTest {
    @TempDir
    Path temp;
    Path cwd;
    Path user;

    @BeforeEach
    void folders() throws Exception {
        cwd = Files.createDirectories(temp.resolve("cwd"));
        user = Files.createDirectories(temp.resolve("home/.config/openstack"));
    }

    private CloudCredentials credentials(Map<String, String> env) {
        return new CloudCredentials(env, List.of(cwd, user, temp.resolve("etc")));
    }

    private static final String DEMO = """
            clouds:
              demo:
                auth:
                  auth_url: https://keystone.example:5000
                  username: alice
                  project_name: web
                  user_domain_name: Users
                region_name: North
                interface: internalURL
            """;

    @Test
    void resolve_cloudOfUsersCloudsYaml_mergesSecureYamlPassword() throws Exception {
        Files.writeString(user.resolve("clouds.yaml"), DEMO);
        Files.writeString(user.resolve("secure.yaml"), "clouds:\n  demo:\n    auth:\n      password: s3cret\n");
        CloudConfig cloud = credentials(Map.of()).resolve(Optional.of("demo"));
        assertEquals("cloud 'demo' of " + user.resolve("clouds.yaml") + " and " + user.resolve("secure.yaml"), cloud.source());
        assertEquals("https://keystone.example:5000/v3", cloud.authUrl());
        assertEquals(Optional.of("North"), cloud.region());
        assertEquals("internal", cloud.endpointInterface());
        CloudConfig.PasswordAuth auth = assertInstanceOf(CloudConfig.PasswordAuth.class, cloud.auth());
        assertEquals("s3cret", auth.password().reveal());
        assertEquals(Optional.of("Users"), auth.userDomain().name());
        assertEquals(Optional.of("default"), auth.projectDomain().id());
        assertFalse(cloud.toString().contains("s3cret"), cloud.toString());
    }

    @Test
    void resolve_currentFoldersCloudsYaml_winsOverTheUsers() throws Exception {
        Files.writeString(user.resolve("clouds.yaml"), DEMO);
        Files.writeString(cwd.resolve("clouds.yaml"), DEMO.replace("North", "South").replace("username: alice",
                "username: alice\n      password: p"));
        assertEquals(Optional.of("South"), credentials(Map.of("OS_CLOUD", "demo")).resolve(Optional.empty()).region());
    }

    @Test
    void resolve_unknownCloud_namesTheFileAndItsClouds() throws Exception {
        Files.writeString(cwd.resolve("clouds.yaml"), DEMO);
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of()).resolve(Optional.of("prod")));
        assertEquals("no cloud 'prod' in " + cwd.resolve("clouds.yaml") + ": its clouds are [demo]", e.getMessage());
    }

    @Test
    void resolve_twoCloudsAndNoName_asksForOne() throws Exception {
        Files.writeString(cwd.resolve("clouds.yaml"), DEMO + "  other:\n    auth:\n      auth_url: http://x\n");
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of()).resolve(Optional.empty()));
        assertEquals(cwd.resolve("clouds.yaml") + " has 2 clouds [demo, other]: pick one with --cloud NAME or OS_CLOUD",
                e.getMessage());
    }

    @Test
    void resolve_missingPassword_namesTheKeyAndFile() throws Exception {
        Files.writeString(cwd.resolve("clouds.yaml"), DEMO);
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of()).resolve(Optional.of("demo")));
        assertEquals("cloud 'demo' of " + cwd.resolve("clouds.yaml") + " has no clouds.demo.auth.password: the password"
                + " is needed to authenticate", e.getMessage());
    }

    @Test
    void resolve_badInterface_saysWhatIsAllowed() throws Exception {
        Files.writeString(cwd.resolve("clouds.yaml"), DEMO.replace("internalURL", "private").replace("username: alice",
                "username: alice\n      password: p"));
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of()).resolve(Optional.of("demo")));
        assertEquals("clouds.demo.interface of cloud 'demo' of " + cwd.resolve("clouds.yaml")
                + " is 'private': use public, internal or admin", e.getMessage());
    }

    @Test
    void resolve_brokenYaml_namesTheFileAndLine() throws Exception {
        Files.writeString(cwd.resolve("clouds.yaml"), "clouds:\n  demo: [\n");
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of()).resolve(Optional.of("demo")));
        assertEquals("cannot read " + cwd.resolve("clouds.yaml") + ": while parsing a flow node: expected the node"
                + " content, but found '<stream end>' at line 2", e.getMessage());
    }

    @Test
    void resolve_osVariables_readAsAnOpenrcFile() throws Exception {
        CloudConfig cloud = credentials(Map.of("OS_AUTH_URL", "http://127.0.0.1:5000/v3/", "OS_USERNAME", "bob",
                "OS_PASSWORD", "pw", "OS_PROJECT_ID", "p1", "OS_REGION_NAME", "RegionOne")).resolve(Optional.empty());
        assertEquals("the environment (OS_* variables)", cloud.source());
        assertEquals("http://127.0.0.1:5000/v3", cloud.authUrl());
        CloudConfig.PasswordAuth auth = assertInstanceOf(CloudConfig.PasswordAuth.class, cloud.auth());
        assertEquals(Optional.of("p1"), auth.projectId());
        assertEquals("user 'bob'", auth.who());
    }

    /** A password in the URL would be in every message naming Keystone: refused without showing it. */
    @Test
    void resolve_authUrlWithAUserAndPassword_isRefusedWithoutShowingThem() {
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of("OS_AUTH_URL",
                "http://bob:URLSECRET@127.0.0.1:5000/v3", "OS_USERNAME", "bob", "OS_PASSWORD", "pw", "OS_PROJECT_ID", "p1"))
                .resolve(Optional.empty()));

        assertEquals("OS_AUTH_URL of the environment (OS_* variables) has a user name or password in it"
                + " (http://...@127.0.0.1:5000/v3 with '...@' before the host), which jcap does not send and would show"
                + " in its messages: give the URL without them, and the credentials as the service takes them",
                e.getMessage());
    }

    @Test
    void resolve_osVariablesWithoutPassword_namesTheVariable() {
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of("OS_AUTH_URL", "http://k/v3",
                "OS_USERNAME", "bob", "OS_PROJECT_NAME", "web")).resolve(Optional.empty()));
        assertEquals("the environment (OS_* variables) has no OS_PASSWORD: the password is needed to authenticate",
                e.getMessage());
    }

    @Test
    void resolve_applicationCredentialVariables_authenticateWithoutUser() throws Exception {
        CloudConfig cloud = credentials(Map.of("OS_AUTH_URL", "http://k:5000", "OS_APPLICATION_CREDENTIAL_ID", "ac1",
                "OS_APPLICATION_CREDENTIAL_SECRET", "shh")).resolve(Optional.empty());
        CloudConfig.ApplicationCredentialAuth auth = assertInstanceOf(CloudConfig.ApplicationCredentialAuth.class,
                cloud.auth());
        assertEquals("application credential 'ac1'", auth.who());
        assertFalse(cloud.toString().contains("shh"), cloud.toString());
    }

    @Test
    void resolve_osInsecureNotABoolean_saysWhatIsAllowed() {
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of("OS_AUTH_URL", "http://k",
                "OS_APPLICATION_CREDENTIAL_ID", "a", "OS_APPLICATION_CREDENTIAL_SECRET", "s", "OS_INSECURE", "maybe"))
                .resolve(Optional.empty()));
        assertEquals("OS_INSECURE of the environment (OS_* variables) is 'maybe': use true or false", e.getMessage());
    }

    @Test
    void resolve_authUrlThatIsNoHttpUrl_saysWhatIsAllowed() {
        for (String url : new String[] {"127.0.0.1:21500", "ftp://127.0.0.1:21500", "http://127.0.0.1:21500 /v3",
                "http://127.0.0.1:99999", "http://[::1", "https:///v3"}) {
            JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of("OS_AUTH_URL", url,
                    "OS_APPLICATION_CREDENTIAL_ID", "a", "OS_APPLICATION_CREDENTIAL_SECRET", "s")).resolve(Optional.empty()));
            assertEquals("OS_AUTH_URL of the environment (OS_* variables) is '" + url + "': use an http or https URL with"
                    + " a host, such as https://keystone.example.com:5000/v3", e.getMessage());
        }
    }

    @Test
    void resolve_nothingAnywhere_saysWhereItLooked() {
        JcapException e = assertThrows(JcapException.class, () -> credentials(Map.of()).resolve(Optional.empty()));
        assertEquals("no OpenStack credentials: looked for clouds.yaml in " + List.of(cwd, user, temp.resolve("etc"))
                + " and OS_CLIENT_CONFIG_FILE; write one, or source your openrc file (OS_AUTH_URL, ...)", e.getMessage());
    }

    @Test
    void resolve_clientConfigFileMissing_namesTheVariable() {
        Path missing = temp.resolve("nope.yaml");
        JcapException e = assertThrows(JcapException.class,
                () -> credentials(Map.of("OS_CLIENT_CONFIG_FILE", missing.toString())).resolve(Optional.of("demo")));
        assertEquals("OS_CLIENT_CONFIG_FILE names " + missing + ", which is not a file", e.getMessage());
    }
}
