package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.RealOsv;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kernel inside a real OSv loader image is, byte for byte, the loader-stripped.elf OSv's build made. */
class OsvKernelElfRealOsvIT {
    @Test
    void extract_realLoader_givesTheBuildsUncompressedKernel() throws Exception {
        Optional<OsvKernelElf> elf = OsvKernelElf.extract(RealOsv.file(RealOsv.LOADER_IMAGE));
        assertTrue(elf.isPresent());
        assertArrayEquals(Files.readAllBytes(RealOsv.file(RealOsv.KERNEL_ELF)), elf.get().bytes());
        assertTrue(elf.get().version().matches("v\\d+\\.\\d+\\.\\d+.*"), elf.get().version());
        assertEquals(OsvKernelElf.version(Files.readAllBytes(RealOsv.file(RealOsv.ZFS_BUILDER))), elf.get().version());
    }
}
