package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.Sha256;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String HEX = "4f2a".repeat(16);

    @Test
    void parse_registryWithPortAndTag() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/team/hello:1.2");
        assertEquals(new ImageReference("127.0.0.1:5000", "team/hello", Optional.of("1.2"), Optional.empty()), r);
        assertEquals("1.2", r.manifestKey());
        assertEquals("hello", r.shortName());
        assertTrue(r.isLoopback());
    }

    @Test
    void parse_noTag_isLatest() {
        assertEquals("ghcr.io/acme/hello:latest", ImageReference.parse("ghcr.io/acme/hello").toString());
    }

    @Test
    void parse_digest_isTheManifestKeyAndKeepsTheTag() {
        ImageReference r = ImageReference.parse("localhost:5000/hello:1@sha256:" + HEX);
        assertEquals(Optional.of(new Sha256(HEX)), r.digest());
        assertEquals("sha256:" + HEX, r.manifestKey());
        assertEquals("localhost:5000/hello:1", r.name());
        ImageReference bare = ImageReference.parse("localhost:5000/hello@sha256:" + HEX);
        assertEquals(Optional.empty(), bare.tag());
        assertEquals("localhost:5000/hello", bare.name());
    }

    @Test
    void parse_firstPartWithoutDotOrPort_isDockerHub() {
        ImageReference r = ImageReference.parse("acme/hello:1");
        assertEquals("docker.io", r.registry());
        assertEquals("acme/hello", r.repository());
        assertEquals("registry-1.docker.io", r.apiHost());
        assertFalse(r.isLoopback());
        assertEquals("library/hello", ImageReference.parse("docker.io/hello").repository());
    }

    @Test
    void parse_upperCaseRepository_isRefusedNamingThePart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageReference.parse("ghcr.io/Acme/hello"));
        assertEquals("reference 'ghcr.io/Acme/hello' has repository part 'Acme': lowercase letters and digits, joined by"
                + " '.', '_', '__' or '-'", e.getMessage());
    }

    @Test
    void parse_registryThatIsNoHostOrPortOutOfRange_isRefused() {
        for (String text : new String[] {"../x/y", "./hello", "a..b:5000/x", "-host.example/x", "127.0.0.1:99999/a/b",
                "127.0.0.1:0/a/b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(text));
            String registry = text.substring(0, text.indexOf('/'));
            assertEquals("reference '" + text + "' has registry '" + registry + "': a host name or IP address, with :PORT"
                    + " (1 to 65535) if needed", e.getMessage());
        }
        assertEquals("[::1]:5000", ImageReference.parse("[::1]:5000/x").registry());
        assertEquals("my-registry.example.com:65535", ImageReference.parse("my-registry.example.com:65535/x").registry());
    }

    @Test
    void parse_otherDigestAlgorithm_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageReference.parse("ghcr.io/acme/hello@sha512:abc"));
        assertEquals("reference 'ghcr.io/acme/hello@sha512:abc' has digest 'sha512:abc': jcap takes sha256:<64 hex digits>",
                e.getMessage());
    }

    @Test
    void parse_badTag_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageReference.parse("ghcr.io/acme/hello:-x"));
        assertEquals("reference 'ghcr.io/acme/hello:-x' has tag '-x': letters, digits, '_', '.' and '-', not starting with"
                + " '.' or '-', at most 128", e.getMessage());
    }

    @Test
    void isReference_needsASlash() {
        assertTrue(ImageReference.isReference("localhost:5000/hello"));
        assertFalse(ImageReference.isReference("hello"));
        assertFalse(ImageReference.isReference("openstack"));
    }
}
