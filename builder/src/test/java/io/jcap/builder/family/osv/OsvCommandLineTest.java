package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OsvCommandLineTest {
    private static final String STORED = "--rootfs=rofs --env=LANG=C --env=A=1 /app/hello --greeting hi";

    @Test
    void forRun_environment_isAddedAfterOsvsOptionsReplacingTheSameName() throws Exception {
        assertEquals("--rootfs=rofs --env=LANG=C --env=A=2 --env=B=x /app/hello --greeting hi",
                OsvCommandLine.forRun(STORED, new TreeMap<>(Map.of("A", "2", "B", "x")), Optional.empty()));
    }

    @Test
    void forRun_command_replacesTheApplicationKeepingOsvsOptions() throws Exception {
        assertEquals("--rootfs=rofs --env=LANG=C --env=A=1 /app/other -v",
                OsvCommandLine.forRun(STORED, Map.of(), Optional.of(" /app/other -v ")));
    }

    @Test
    void forRun_valueOsvWouldSplit_isRefusedNamingTheOption() {
        JcapException e = assertThrows(JcapException.class,
                () -> OsvCommandLine.forRun(STORED, Map.of("A", "two words"), Optional.empty()));

        assertEquals("-e A: OSv reads environment variables from its command line (--env=A=...), which cannot carry"
                + " spaces, quotes, backslashes, ';' or '&': use a value without them", e.getMessage());
    }
}
