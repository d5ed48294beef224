package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartFailureHintTest {
    @Test
    void totalMiB_readsMemTotal_andNothingFromAFileWithout(@TempDir Path dir) throws Exception {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       24608768 kB\nMemFree:  1 kB\n");

        assertEquals(OptionalLong.of(24032), StartFailureHint.totalMiB(meminfo));
        assertEquals(OptionalLong.empty(), StartFailureHint.totalMiB(Files.writeString(dir.resolve("x"), "Other: 1 kB\n")));
        assertEquals(OptionalLong.empty(), StartFailureHint.totalMiB(dir.resolve("none")));
    }

    @Test
    void of_onlyQemusMemoryFailure_getsAHint() {
        assertEquals("", StartFailureHint.of("qemu-system-x86_64: -drive file=x: Could not open 'x'", 128));
        String hint = StartFailureHint.of("qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate"
                + " memory", 1048576);
        assertEquals(true, hint.startsWith(" (the guest asks for 1048576 MiB of memory; this machine has "), hint);
        assertEquals(true, hint.endsWith(" MiB: give it less with -m, or memory: in the Capstanfile)"), hint);
    }
}
