package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvDirectBootTest {
    @TempDir
    Path temp;

    @Test
    void stage_recordsWhetherTheKernelTracesExit_andOfReadsTheRecordWithoutScanning() throws Exception {
        Path tracing = Files.writeString(temp.resolve("tracing.elf"), "...app_main_ret...--strace...");
        Path silent = Files.writeString(temp.resolve("silent.elf"), "...no such names...");
        Path a = Files.createDirectories(temp.resolve("a"));
        Path b = Files.createDirectories(temp.resolve("b"));

        new OsvDirectBoot.Cached(tracing, Sha256.of(tracing)).stage().write(a);
        new OsvDirectBoot.Cached(silent, Sha256.of(silent)).stage().write(b);

        assertEquals("traces-exit yes\n", Files.readString(a.resolve("boot/features")));
        assertEquals("traces-exit no\n", Files.readString(b.resolve("boot/features")));
        assertTrue(OsvDirectBoot.of(a).orElseThrow().tracesExit());
        assertFalse(OsvDirectBoot.of(b).orElseThrow().tracesExit());
        // The record is what counts, not the kernel's bytes: a run does not scan them.
        Files.writeString(b.resolve("boot/features"), "traces-exit yes\n", StandardCharsets.UTF_8);
        assertTrue(OsvDirectBoot.of(b).orElseThrow().tracesExit());
    }

    @Test
    void of_imageBuiltBeforeTheRecord_scansTheKernel() throws Exception {
        Path tracing = Files.writeString(temp.resolve("tracing.elf"), "...app_main_ret...--strace...");
        Path old = Files.createDirectories(temp.resolve("old"));
        new OsvDirectBoot.Cached(tracing, Sha256.of(tracing)).stage().write(old);
        Files.delete(old.resolve("boot/features"));

        assertTrue(OsvDirectBoot.of(old).orElseThrow().tracesExit());
    }
}
