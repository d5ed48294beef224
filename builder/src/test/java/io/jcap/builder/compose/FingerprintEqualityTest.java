package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TreeManifest.Fingerprint's written-out equals and hashCode mean what the record's would. */
class FingerprintEqualityTest {
    @Test
    void equals_exactlyWhenEveryComponentIs() {
        TreeManifest.Fingerprint base = new TreeManifest.Fingerprint('f', 0644, 1, 2, 3, "abc");
        List<TreeManifest.Fingerprint> variants = List.of(new TreeManifest.Fingerprint('l', 0644, 1, 2, 3, "abc"),
                new TreeManifest.Fingerprint('f', 0600, 1, 2, 3, "abc"), new TreeManifest.Fingerprint('f', 0644, 9, 2, 3, "abc"),
                new TreeManifest.Fingerprint('f', 0644, 1, 9, 3, "abc"), new TreeManifest.Fingerprint('f', 0644, 1, 2, 9, "abc"),
                new TreeManifest.Fingerprint('f', 0644, 1, 2, 3, "abd"));
        assertEquals(TreeManifest.Fingerprint.class.getRecordComponents().length, variants.size());
        TreeManifest.Fingerprint copy = new TreeManifest.Fingerprint('f', 0644, 1, 2, 3, new String("abc"));
        assertEquals(base, copy);
        assertEquals(base.hashCode(), copy.hashCode());
        assertNotEquals(base, null);
        for (TreeManifest.Fingerprint variant : variants) {
            assertNotEquals(base, variant, variant.toString());
        }
    }
}
