package io.jcap.formats.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.host.HostTool;
import io.jcap.model.JcapException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A sample raw disk with data in three places, and its qcow2 images made by the real qemu-img. */
public final class SampleDisks {
    private SampleDisks() {
    }

    /** A 20 MiB disk with data at its start, in its middle (across cluster ends) and in its last sector. */
    public static final long SIZE = 20L << 20;

    /** Writes the sample raw disk and returns it; data lies only in the extents of {@link #dataOf}. */
    public static Path raw(Path dir) throws Exception {
        Path raw = dir.resolve("disk.raw");
        Random random = new Random(42);
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(SIZE);
            for (long[] range : new long[][] {{0, 100_000}, {5L << 20, 3 << 20}, {SIZE - 512, 512}}) {
                byte[] data = new byte[(int) range[1]];
                random.nextBytes(data);
                file.seek(range[0]);
                file.write(data);
            }
        }
        return raw;
    }

    public static Path convert(Path raw, Path dir, String... options) throws JcapException {
        Path out = dir.resolve("disk-" + String.join("", options).replaceAll("[^a-z0-9]", "") + ".qcow2");
        List<String> command = new ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2"));
        command.addAll(List.of(options));
        command.addAll(List.of(raw.toString(), out.toString()));
        HostTool.Result result = HostTool.run(command, Duration.ofMinutes(2));
        assertEquals(0, result.exitCode(), result.stderr());
        return out;
    }

    /** The zstd-compressed qcow2 of {@code raw}, as jcap stores its images. */
    public static Path zstd(Path raw, Path dir) throws JcapException {
        return convert(raw, dir, "-c", "-o", "compression_type=zstd");
    }
}
