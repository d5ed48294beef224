package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application short of memory in a guest without swap: killed by the kernel's out-of-memory
 * killer (jcap run exits 137 and says what most likely happened, which the image's quiet kernel
 * command line hides), or thrashing, its pages read back from the disk without end, which the
 * init names on the console (docs/reliability.md).
 */
class OutOfMemoryIT {
    /** Takes memory a MiB at a time, touching every page, until the kernel kills it. */
    private static final String HOG = "#include <stdlib.h>\n#include <string.h>\n"
            + "int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }\n";

    /**
     * Takes memory until 16 MiB are left available, then reads pages of a 48 MiB file at random
     * for ever: the file's pages no longer fit, and every read evicts one it will need again.
     */
    private static final String THRASHER = """
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <sys/stat.h>
            static long available_kib(void) {
                FILE *f = fopen("/proc/meminfo", "r");
                char line[256];
                long v = -1;
                while (fgets(line, sizeof line, f))
                    if (sscanf(line, "MemAvailable: %ld", &v) == 1)
                        break;
                fclose(f);
                return v;
            }
            int main(void) {
                while (available_kib() > 16 * 1024) {
                    char *p = malloc(1 << 20);
                    if (!p)
                        return 3;
                    memset(p, 1, 1 << 20);
                }
                puts("thrashing");
                fflush(stdout);
                int fd = open("/data", O_RDONLY);
                struct stat st;
                if (fd < 0 || fstat(fd, &st) < 0)
                    return 4;
                volatile unsigned char *m = mmap(0, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
                unsigned seed = 1, sum = 0;
                for (;;) {
                    seed = seed * 1103515245 + 12345;
                    sum += m[(long)((seed >> 4) % (st.st_size / 4096)) * 4096];
                }
            }
            """;

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void home() throws Exception {
        JcapProcess.requireMachine();
        jcap = JcapProcess.withKernels(temp.resolve("home"));
    }

    @Test
    void run_applicationKilledByTheOutOfMemoryKiller_exits137AndSaysSo() throws Exception {
        Path project = JcapProcess.cProject(temp, "hog", HOG, "memory: 128M\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Result run = jcap.run("run", "hog");

        assertEquals(137, run.exitCode(), run.toString());
        assertTrue(run.err().contains("warning: the application was killed by SIGKILL (status 137): in a guest that is"
                + " most likely the kernel's out-of-memory killer; give the image more memory (-m, or memory in its"
                + " Capstanfile); jcap run -v shows the kernel's messages"), run.toString());
    }

    /**
     * The kernel itself out of memory while it boots (each vCPU takes some): the panic's reason and
     * what to give, not only its call trace, which ends the console.
     */
    @Test
    void run_kernelOutOfMemoryWhileBooting_saysSoAndWhatToGive() throws Exception {
        Path project = JcapProcess.cProject(temp, "fits", "int main(void) { return 0; }\n",
                "memory: 80M\nkernel: linux\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Result run = jcap.run("run", "-c", "16", "fits");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("jcap: the guest's kernel panicked before the application started (System is"
                + " deadlocked on memory): it ran out of memory while booting; give the image more memory (jcap run -m"
                + " SIZE, or memory: in the Capstanfile) or fewer CPUs (-c), which each take some; last console"
                + " lines:\n"), run.toString());
    }

    /**
     * Debian's kernel has pressure stall information (linux-mini has not: there the guest is not
     * watched, and this test runs on the default kernel only).
     */
    @Test
    void run_applicationThrashingForWantOfMemory_isNamedOnTheConsole() throws Exception {
        Path project = JcapProcess.cProject(temp, "thrasher", THRASHER, "  /data: data\nmemory: 128M\nkernel: linux\n");
        byte[] page = new byte[4096];
        try (var out = Files.newOutputStream(project.resolve("data"))) {
            for (int i = 0; i < 48 * 256; i++) {
                java.util.Arrays.fill(page, (byte) (i | 1));
                out.write(page);
            }
        }
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Started run = jcap.start("run", "thrasher");
        try {
            // The watch needs 20 s of stall, sampled every 5 s, after the thrashing begins.
            run.awaitOut("jcap-init: warning: the application has waited on memory", Duration.ofMinutes(3));
            assertTrue(run.process().isAlive(), "the warning does not end the run");
            assertTrue(Files.readString(run.out()).matches("(?s).*thrashing\\njcap-init: warning: the application has"
                    + " waited on memory [0-9]+% of the last [0-9]+ s: the guest's memory is too small for it \\(without"
                    + " swap, its pages are read back from the disk again and again, and it may never finish\\); give"
                    + " the VM more memory\\n.*"), Files.readString(run.out()));
        } finally {
            run.process().destroy();
            assertTrue(run.process().waitFor(60, TimeUnit.SECONDS), "jcap run did not end on SIGTERM");
        }
        assertEquals(List.of(), InstancesIT.processesNaming("qemu-system", jcap.home));
    }
}
