package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application the guest kernel's out-of-memory killer ends: jcap run exits 137 and says what
 * most likely happened, which the image's quiet kernel command line hides (only -v showed it).
 */
class OutOfMemoryIT {
    /** Takes memory a MiB at a time, touching every page, until the kernel kills it. */
    private static final String HOG = "#include <stdlib.h>\n#include <string.h>\n"
            + "int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }\n";

    @TempDir
    Path temp;

    @Test
    void run_applicationKilledByTheOutOfMemoryKiller_exits137AndSaysSo() throws Exception {
        JcapProcess.requireMachine();
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.cProject(temp, "hog", HOG, "memory: 128M\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Result run = jcap.run("run", "hog");

        assertEquals(137, run.exitCode(), run.toString());
        assertTrue(run.err().contains("warning: the application was killed by SIGKILL (status 137): in a guest that is"
                + " most likely the kernel's out-of-memory killer; give the image more memory (-m, or memory in its"
                + " Capstanfile); jcap run -v shows the kernel's messages"), run.toString());
    }
}
