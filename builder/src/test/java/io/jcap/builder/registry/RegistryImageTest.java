package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The media type a registry's Content-Type gives a pulled manifest. */
class RegistryImageTest {
    @Test
    void mediaType_ofARealContentType_isItsTypeWithoutParameters() {
        assertEquals("application/vnd.oci.image.manifest.v1+json",
                RegistryImage.mediaType("application/vnd.oci.image.manifest.v1+json; charset=utf-8"));
        assertEquals("application/vnd.docker.distribution.manifest.list.v2+json",
                RegistryImage.mediaType("application/vnd.docker.distribution.manifest.list.v2+json"));
    }

    @Test
    void mediaType_ofTextThatIsNoMediaType_isNone() {
        // A registry that wrote JSON into its Content-Type added a manifest of its choosing to the
        // layout jcap reads a pinned digest from; such a label is now no media type at all.
        assertEquals("", RegistryImage.mediaType("application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                + "ab\",\"size\":417}],\"zzz\":[{\"q\":\""));
        assertEquals("", RegistryImage.mediaType("text/plain\u001b]0;x\u0007"));
        assertEquals("", RegistryImage.mediaType(""));
    }
}
