package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.jcap.testsupport.Azurite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap push IMAGE azure} with the real bin/jcap against a real Azurite Blob service on
 * 127.0.0.1, stopped half-way by Ctrl-C or SIGTERM: the shutdown hook deletes the half-written
 * page blob and jcap ends as a stopped command does. The image holds 64 MiB of random data, and
 * Azurite is paused (SIGSTOP) while the signal is sent, so that the upload is under way then.
 */
class PushAzureIT {
    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static Azurite azurite;
    static BlobContainerClient container;

    @BeforeAll
    static void buildAnImageWithDataAndStartAzurite() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.copyExample("hello", temp);
        JcapProcess.randomFiles(project.resolve("root/data"), 16, 4 << 20, new Random(31));
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                + "rootfs: root\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
        azurite = Azurite.start(temp);
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient("vhds");
        container.create();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void push_ctrlCHalfWay_deletesItsBlobAndExits130() throws Exception {
        stopHalfWay("INT", "it-int", 130);
    }

    @Test
    void push_sigtermHalfWay_deletesItsBlobAndExits143() throws Exception {
        stopHalfWay("TERM", "it-term", 143);
    }

    /**
     * Pushes as {@code name}, and once the upload is under way sends {@code signal} to jcap with
     * Azurite paused; then jcap must end within a minute (a bound against hanging, not a speed
     * check) with {@code exitCode}, and the blob must be gone.
     */
    private static void stopHalfWay(String signal, String name, int exitCode) throws Exception {
        BlobClient blob = container.getBlobClient(name + ".vhd");
        for (int attempt = 0; attempt < 3; attempt++) {
            JcapProcess.Started started = jcap.start(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString()),
                    "push", "hello", "azure", "--container", "vhds", "--name", name);
            started.awaitErr("Uploading hello: ");
            assertFalse(ignores(started.process().pid(), signal), "jcap ignores SIG" + signal + ", as every child of"
                    + " this test JVM would (was Maven started in the background of a shell without job control?)");
            signal("STOP", azurite.pid()); // the page writes stall with part of the disk sent
            try {
                signal(signal, started.process().pid());
            } finally {
                signal("CONT", azurite.pid());
            }
            JcapProcess.Result r = started.await(Duration.ofSeconds(60));
            if (r.exitCode() == 0) {
                blob.delete(); // the push ended before Azurite paused: try again
                continue;
            }
            assertEquals(exitCode, r.exitCode(), r.toString());
            assertTrue(r.err().contains("Deleting the half-written page blob " + blob.getBlobUrl() + "\n"), r.toString());
            assertFalse(blob.exists(), "the half-written blob is left: " + r);
            assertEquals(List.of(), r.err().lines().filter(l -> l.startsWith("jcap: ") || l.startsWith("warning: "))
                    .toList(), r.toString());
            return;
        }
        throw new AssertionError("three pushes ended before Azurite could be paused");
    }

    /** Whether process {@code pid} ignores signal {@code name} (INT or TERM), as /proc says. */
    private static boolean ignores(long pid, String name) throws Exception {
        int number = name.equals("INT") ? 2 : 15;
        String line = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow();
        return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & (1L << (number - 1))) != 0;
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor());
    }
}
