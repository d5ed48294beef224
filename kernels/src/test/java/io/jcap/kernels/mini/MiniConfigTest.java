package io.jcap.kernels.mini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MiniConfigTest {
    private static final MiniConfig SMALL = new MiniConfig("""
            # why 64-bit
            CONFIG_64BIT=y
            # why LZ4
            CONFIG_KERNEL_LZ4=y
            # why no swap
            # CONFIG_SWAP is not set
            CONFIG_LOCALVERSION="-x"
            """);

    @Test
    void settings_areTheConfigLinesInOrder_commentsLeftOut() {
        assertEquals(List.of("CONFIG_64BIT=y", "CONFIG_KERNEL_LZ4=y", "# CONFIG_SWAP is not set", "CONFIG_LOCALVERSION=\"-x\""),
                SMALL.settings());
    }

    @Test
    void missingFrom_namesSettingsKconfigDidNotKeep() {
        List<String> dotConfig = List.of("CONFIG_64BIT=y", "# CONFIG_KERNEL_LZ4 is not set", "CONFIG_SWAP=y",
                "CONFIG_LOCALVERSION=\"-x\"");
        assertEquals(List.of("CONFIG_KERNEL_LZ4=y", "# CONFIG_SWAP is not set"), SMALL.missingFrom(dotConfig));
    }

    @Test
    void missingFrom_anOffOptionAbsentAltogether_isKept() {
        List<String> dotConfig = List.of("CONFIG_64BIT=y", "CONFIG_KERNEL_LZ4=y", "CONFIG_LOCALVERSION=\"-x\"");
        assertEquals(List.of(), SMALL.missingFrom(dotConfig));
    }

    @Test
    void bundled_everySettingHasAReasonAbove_andNothingIsAModule() {
        MiniConfig bundled = MiniConfig.bundled();
        String[] lines = bundled.text().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("CONFIG_")) {
                assertTrue(!lines[i].endsWith("=m"), lines[i] + ": linux-mini has no modules");
                int above = i - 1;
                while (above >= 0 && lines[above].startsWith("CONFIG_")) {
                    above--;
                }
                assertTrue(above >= 0 && lines[above].startsWith("#") && lines[above].length() > 2,
                        lines[i] + " has no reason in a comment above it");
            }
        }
        assertTrue(bundled.settings().contains("CONFIG_64BIT=y"), "tinyconfig is 32-bit: the fragment turns on 64BIT");
        assertTrue(bundled.settings().contains("CONFIG_KERNEL_LZ4=y"));
        assertEquals(64, bundled.digest().hex().length());
    }
}
