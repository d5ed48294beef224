package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.CloudInitData;
import io.jcap.model.JcapException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoCloudSeedTest {
    @TempDir
    Path dir;

    @Test
    void of_regularFileOverTheGuestsLimit_isRefusedWithItsSize() throws Exception {
        Path big = Files.write(dir.resolve("big.yaml"), new byte[CloudInitData.MAX_FILE + 1]);

        JcapException e = assertThrows(JcapException.class, () -> NoCloudSeed.of(CloudInitData.of(big), "hello"));

        assertEquals("--user-data " + big + " has " + (CloudInitData.MAX_FILE + 1) + " bytes; the guest reads at most "
                + CloudInitData.MAX_FILE, e.getMessage());
    }

    /**
     * A pipe ({@code --user-data <(...)}) has no size: it was read whole, so an endless one ran the
     * JVM out of memory. It is read up to the limit and refused past it.
     */
    @Test
    void of_pipeOverTheGuestsLimit_isRefusedAfterTheLimit_notReadWhole() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                byte[] chunk = new byte[1 << 16];
                for (int i = 0; i < 1 << 16; i++) { // 4 GiB, far more than the heap: only a bound ends this
                    out.write(chunk);
                }
            } catch (Exception expected) {
                // The reader closed the pipe.
            }
        });
        writer.setDaemon(true);
        writer.start();

        JcapException e = assertThrows(JcapException.class, () -> NoCloudSeed.of(CloudInitData.of(fifo), "hello"));

        assertEquals("--user-data " + fifo + " has more than " + CloudInitData.MAX_FILE + " bytes; the guest reads at"
                + " most " + CloudInitData.MAX_FILE, e.getMessage());
        writer.join(TimeUnit.SECONDS.toMillis(10));
    }
}
