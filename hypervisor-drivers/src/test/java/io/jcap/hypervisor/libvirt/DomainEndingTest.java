package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.hypervisor.qemu.QemuEnding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainEndingTest {
    /** The lines as libvirt 9.0 writes them (a SIGKILL'd QEMU read "crashed" on this machine). */
    @Test
    void parse_theLastStopLineCounts() {
        String started = "2026-12-06 19:45:11.286+0000: Domain id=15 is tainted: custom-argv\n";
        assertEquals(Optional.empty(), DomainEnding.parse(started));
        assertEquals(Optional.of(QemuEnding.VANISHED), DomainEnding.parse(started
                + "2026-12-06 19:45:20.826+0000: shutting down, reason=crashed\n"));
        assertEquals(Optional.of(QemuEnding.GUEST_POWER_OFF), DomainEnding.parse(started
                + "2026-12-06 19:45:20.826+0000: shutting down, reason=destroyed\n" + started
                + "2026-12-06 19:50:01.002+0000: shutting down, reason=shutdown\n"));
        assertEquals(Optional.of(QemuEnding.HOST), DomainEnding.parse("x: shutting down, reason=destroyed\n"));
        assertEquals(Optional.of(QemuEnding.VANISHED), DomainEnding.parse("x: shutting down, reason=failed\n"));
        assertEquals(Optional.empty(), DomainEnding.parse("x: shutting down, reason=saved\n"));
    }

    @Test
    void of_readsTheTailOfALongLog_andAMissingLogSaysNothing(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("d.log"), "x".repeat(200_000) + "\nx: shutting down, reason=crashed\n");

        assertEquals(Optional.of(QemuEnding.VANISHED), DomainEnding.of(log));
        assertEquals(Optional.empty(), DomainEnding.of(dir.resolve("none.log")));
    }
}
