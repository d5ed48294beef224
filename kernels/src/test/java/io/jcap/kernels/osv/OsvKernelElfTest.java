package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.OsvLoaders;
import io.jcap.testsupport.PvhKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Taking OSv's kernel out of a loader laid out as OSv's build lays it out (the real one: OsvKernelElfRealOsvIT). */
class OsvKernelElfTest {
    @TempDir
    Path dir;

    @Test
    void extract_loaderHoldingAKernel_givesItsBytesAndVersion() throws Exception {
        byte[] kernel = PvhKernel.elf(List.of("OSv v0.0-synthetic"), "hello");
        Path loader = Files.write(dir.resolve("loader.img"), OsvLoaders.withKernel(kernel, "disk"));

        Optional<OsvKernelElf> elf = OsvKernelElf.extract(loader);

        assertTrue(elf.isPresent());
        assertArrayEquals(kernel, elf.get().bytes());
        assertEquals("v0.0-synthetic", elf.get().version());
    }

    @Test
    void extract_loaderWithoutAKernelInOsvsForm_isEmpty() throws Exception {
        assertEquals(Optional.empty(), OsvKernelElf.extract(Files.write(dir.resolve("a.img"), OsvLoaders.loader())));
        assertEquals(Optional.empty(), OsvKernelElf.extract(Files.write(dir.resolve("b.img"), new byte[100])));
        // The structure is there but what it holds is no x86-64 kernel naming an OSv version.
        byte[] notOsv = PvhKernel.elf(List.of(), "no version here");
        assertEquals(Optional.empty(), OsvKernelElf.extract(Files.write(dir.resolve("c.img"),
                OsvLoaders.withKernel(notOsv, "disk"))));
    }

    @Test
    void tracesExit_whenTheKernelNamesTheTracepointAndTheOption() throws Exception {
        Path with = Files.write(dir.resolve("with.elf"),
                PvhKernel.elf(List.of("OSv v0.0-synthetic", "--strace", "app_main_ret"), "x"));
        Path without = Files.write(dir.resolve("without.elf"), PvhKernel.elf(List.of("OSv v0.0-synthetic"), "x"));
        assertTrue(OsvKernelElf.tracesExit(with));
        assertFalse(OsvKernelElf.tracesExit(without));
    }
}
