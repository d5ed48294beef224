package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void parse_bearerAsDockerHubSendsIt() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/hello:pull\"").orElseThrow();
        assertEquals("bearer", c.scheme());
        assertEquals(Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io",
                "scope", "repository:library/hello:pull"), c.params());
    }

    @Test
    void parse_basicAsDistributionSendsIt() {
        assertEquals(new AuthChallenge("basic", Map.of("realm", "jcap-test")),
                AuthChallenge.parse("Basic realm=\"jcap-test\"").orElseThrow());
    }

    @Test
    void parse_unquotedValuesAndEscapes() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=https://a/token, service=\"x\\\"y\"").orElseThrow();
        assertEquals(Optional.of("https://a/token"), c.param("realm"));
        assertEquals(Optional.of("x\"y"), c.param("service"));
    }

    @Test
    void parse_nothing_isEmpty() {
        assertEquals(Optional.empty(), AuthChallenge.parse(""));
        assertEquals(Optional.empty(), AuthChallenge.parse(null));
    }
}
