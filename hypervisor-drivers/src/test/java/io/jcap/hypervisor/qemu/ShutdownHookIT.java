package io.jcap.hypervisor.qemu;

import static io.jcap.hypervisor.qemu.QemuTestSupport.goneWithin;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownHookIT {
    @Test
    void jvmTerminated_killsItsQemuAndRemovesTempFolder(@TempDir Path dir) throws Exception {
        QemuTestSupport.qemu();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                SpinningVmMain.class.getName(), dir.toString())).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> firstVmLine(out)).get(90, TimeUnit.SECONDS);
            String[] parts = line.split(" ");
            long qemuPid = Long.parseLong(parts[1]);
            Path workDir = Path.of(parts[2]);
            assertTrue(Files.isDirectory(workDir));

            child.destroy();

            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertTrue(goneWithin(qemuPid, Duration.ofSeconds(30)), "QEMU " + qemuPid + " outlived its JVM");
            assertFalse(Files.exists(workDir));
        } finally {
            child.destroyForcibly();
        }
    }

    private static String firstVmLine(BufferedReader out) {
        try {
            StringBuilder seen = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("VM ")) {
                    return line;
                }
                seen.append(line).append('\n');
            }
            throw new IllegalStateException("the child JVM ended without starting its VM:\n" + seen);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
