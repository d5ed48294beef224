package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import org.junit.jupiter.api.Test;

class ImageDefaultsTest {
    @Test
    void kernel_unsetOrBlank_isLinux() throws Exception {
        assertEquals("linux", ImageDefaults.kernel(null));
        assertEquals("linux", ImageDefaults.kernel("  "));
    }

    @Test
    void kernel_variableSet_namesTheKernel() throws Exception {
        assertEquals("linux-mini", ImageDefaults.kernel(" linux-mini\n"));
    }

    @Test
    void kernel_notAKernelName_isRefusedNamingTheVariableAndTheValue() {
        JcapException e = assertThrows(JcapException.class, () -> ImageDefaults.kernel("../linux"));
        assertEquals("JCAP_KERNEL: '../linux' is not a kernel name (letters, digits, '.', '_', '-', at most 64, "
                + "starting with a letter or digit)", e.getMessage());
    }
}
