package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.kernels.mini.KernelBuildTools;
import io.jcap.kernels.mini.LinuxSource;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap kernels build linux-mini} stopped by SIGTERM (to jcap alone, as a service manager or
 * {@code kill} sends it) while make compiles: jcap's shutdown hook stops make and the compilers it
 * started, then deletes the unpacked source tree (about 1 GB): no process works on in the folder,
 * nothing is left in jcap's temp folder and no kernel is stored.
 */
class KernelBuildInterruptIT {
    @TempDir
    Path temp;

    @Test
    void kernelBuild_terminatedWhileCompiling_stopsMakeAndLeavesNothing() throws Exception {
        JcapProcess.requireMachine();
        Requirements.require(KernelBuildTools.missing().isEmpty(), "the kernel build's tools: " + KernelBuildTools.missing());
        Requirements.require(hasSource(), "Debian's kernel source (apt-get install linux-source)");
        JcapProcess jcap = JcapProcess.empty(temp.resolve("home"));

        JcapProcess.Reading started = jcap.startUntil(false, "Compiling ", "kernels", "build", "linux-mini");
        Process build = started.process();
        try {
            Path tmp = jcap.home.resolve("tmp");
            // make and its compilers, working in the unpacked tree.
            waitFor(() -> !processesIn(tmp).isEmpty(), "make runs in " + tmp);

            // By kill, not Process.destroy(), which would also close the output still to be read.
            new ProcessBuilder("kill", "-TERM", Long.toString(build.pid())).start().waitFor();
            assertTrue(build.waitFor(120, TimeUnit.SECONDS), "jcap ends after SIGTERM");
            String rest = started.rest();
            assertEquals(143, build.exitValue(), rest);
            assertTrue(rest.contains("Stopping: removing the kernel build's work folder "), "the clean-up's seconds"
                    + " are said: " + rest);
            assertEquals(List.of(), processesIn(tmp), "no process of the build is left");
            ExamplesIT.assertFolderEmpty(tmp);
            assertTrue(!Files.exists(jcap.home.resolve("kernels/linux-mini")), "no kernel is stored");
        } finally {
            build.destroyForcibly();
        }
    }

    private static boolean hasSource() {
        try {
            LinuxSource.find(LinuxSource.DEBIAN_FOLDER);
            return true;
        } catch (JcapException e) {
            return false;
        }
    }

    /** The processes whose working folder lies under {@code folder}, as "PID command". */
    private static List<String> processesIn(Path folder) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
                    if (cwd.startsWith(folder)) {
                        found.add(proc.getFileName() + " " + Files.readString(proc.resolve("cmdline")).replace('\0', ' ').strip());
                    }
                } catch (IOException e) {
                    // ended meanwhile, or not ours to read
                }
            }
        }
        return found;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition condition, String what) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 30 s: " + what);
    }
}
