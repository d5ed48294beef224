package io.jcap.builder.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.host.HostTool;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** A zstd-compressed qcow2 of a 64 MiB disk with data in a few places, written by the real qemu-img. */
public final class SampleQcow2 {
    public static final long SIZE = 64L << 20;

    private SampleQcow2() {
    }

    /** Writes {@code image.qcow2} under {@code dir}; data at 0 (300 000 bytes), 9 MiB (5 MiB) and the last sector. */
    public static Path write(Path dir) throws Exception {
        io.jcap.testsupport.Requirements.require(io.jcap.testsupport.Component.QEMU);
        Path raw = dir.resolve("disk.raw");
        Random random = new Random(7);
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(SIZE);
            for (long[] range : new long[][] {{0, 300_000}, {9L << 20, 5 << 20}, {SIZE - 512, 512}}) {
                byte[] data = new byte[(int) range[1]];
                random.nextBytes(data);
                file.seek(range[0]);
                file.write(data);
            }
        }
        Path image = dir.resolve("image.qcow2");
        HostTool.Result made = HostTool.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-c", "-o",
                "compression_type=zstd", raw.toString(), image.toString()), Duration.ofMinutes(2));
        assertEquals(0, made.exitCode(), made.stderr());
        return image;
    }
}
