package io.jcap.capstanfile.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** YamlPath's written-out equals and hashCode mean what the record's would: the same segments. */
class YamlPathEqualityTest {
    @Test
    void equals_sameSegmentsOnly() {
        assertEquals(1, YamlPath.class.getRecordComponents().length);
        YamlPath path = YamlPath.ROOT.key("files").index(3);
        assertEquals(path, YamlPath.ROOT.key("files").index(3));
        assertEquals(path.hashCode(), YamlPath.ROOT.key("files").index(3).hashCode());
        assertNotEquals(path, YamlPath.ROOT.key("files").index(4));
        assertNotEquals(path, YamlPath.ROOT.key("files").key("3"));
        assertNotEquals(path, null);
    }
}
