package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.kernels.KernelStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelFamiliesTest {
    @TempDir
    Path temp;

    private Capstanfile capstanfile(String text) throws Exception {
        return CapstanfileProjects.withHello(temp, text);
    }

    @Test
    void familyOf_followsKernelThenBaseAndFs() throws Exception {
        KernelStore store = new KernelStore(OsvSamples.homeWithLoader(temp.resolve("home"), "osv").kernels());
        assertEquals("osv", KernelFamilies.familyOf(capstanfile("kernel: osv\ncmdline: /hello\n"), store));
        assertEquals("linux", KernelFamilies.familyOf(capstanfile("kernel: linux\ncmdline: /hello\n"), store));
        assertEquals("linux", KernelFamilies.familyOf(capstanfile("cmdline: /hello\n"), store));
        assertEquals("osv", KernelFamilies.familyOf(capstanfile("base: cloudius/osv-openjdk\ncmdline: /hello\n"), store));
        assertEquals("osv", KernelFamilies.familyOf(capstanfile("fs: rofs\ncmdline: /hello\n"), store));
        assertEquals("osv", KernelFamilies.familyOf(capstanfile("fs: zfs\ncmdline: /hello\n"), store));
        assertEquals("linux", KernelFamilies.familyOf(capstanfile("fs: ext2\ncmdline: /hello\n"), store));
        OsvSamples.homeWithLoader(temp.resolve("home"), "my-loader");
        assertEquals("osv", KernelFamilies.familyOf(capstanfile("kernel: my-loader\ncmdline: /hello\n"), store));
    }
}
