package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VolumeMountTest {
    @Test
    void parse_nameAndFolder_isANamedReadWriteVolume() {
        VolumeMount v = VolumeMount.parse("data:/var/lib/app");

        assertEquals(new VolumeMount("data", "/var/lib/app", false), v);
        assertTrue(v.named());
        assertEquals("data:/var/lib/app", v.toString());
    }

    @Test
    void parse_fileWithColonsAndRo_isAReadOnlyFileVolume() {
        VolumeMount v = VolumeMount.parse("/srv/disks/a:b.img:/seed:ro");

        assertEquals(new VolumeMount("/srv/disks/a:b.img", "/seed", true), v);
        assertFalse(v.named());
        assertEquals(v, VolumeMount.parse(v.toString()));
        assertEquals(new VolumeMount("./d.img", "/d", false), VolumeMount.parse("./d.img:/d:rw"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data", "data:", ":/data", "data:relative", "data:ro"})
    void parse_withoutSourceOrFolder_saysWhatItTakes(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VolumeMount.parse(text));

        assertTrue(e.getMessage().contains(VolumeMount.EXPECTED) || e.getMessage().contains("needs a source"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:/", "data:/a/../b", "data:/a/./b", "data:/a//b", "data:/a/", "data:/a\nb"})
    void parse_folderTheInitRefuses_isRefusedHere(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VolumeMount.parse(text));

        assertTrue(e.getMessage().startsWith("volume folder '"), e.getMessage());
    }

    @Test
    void parse_badName_pointsAtTheFileForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VolumeMount.parse("my disk.img:/data"));

        assertEquals("volume name 'my disk.img' is not allowed: use letters, digits, '_', '.' and '-', starting with a"
                + " letter or digit, at most 63 (a file's path has a / in it: ./my disk.img)", e.getMessage());
    }
}
