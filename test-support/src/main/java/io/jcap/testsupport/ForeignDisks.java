package io.jcap.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * qcow2 images that name files outside themselves, made by the real {@code qemu-img} (from the
 * {@code PATH}; tests that use them need {@link Component#QEMU}): what a disk jcap did not write
 * could hold, and what jcap must refuse.
 *
 * <pre>{@code
 * Path overlay = ForeignDisks.withBackingFile(dir);      // x.qcow2 on base.qcow2
 * Path data = ForeignDisks.withExternalDataFile(dir);     // x-data.qcow2 with data_file=ext.raw
 * }</pre>
 */
public final class ForeignDisks {
    private ForeignDisks() {
    }

    /** {@code dir/x.qcow2}, made with {@code -b base.qcow2 -F qcow2} on a new 1 MiB {@code dir/base.qcow2}. */
    public static Path withBackingFile(Path dir) throws IOException, InterruptedException {
        Path base = dir.resolve("base.qcow2");
        Path x = dir.resolve("x.qcow2");
        qemuImg(dir, "create", "-q", "-f", "qcow2", base.toString(), "1M");
        qemuImg(dir, "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", x.toString());
        return x;
    }

    /** {@code dir/x-data.qcow2}, 1 MiB, made with {@code -o data_file=ext.raw}: its clusters live in {@code dir/ext.raw}. */
    public static Path withExternalDataFile(Path dir) throws IOException, InterruptedException {
        Path x = dir.resolve("x-data.qcow2");
        qemuImg(dir, "create", "-q", "-f", "qcow2", "-o", "data_file=ext.raw", x.toString(), "1M");
        return x;
    }

    /** A self-contained 1 MiB qcow2 image, {@code dir/plain.qcow2}. */
    public static Path plain(Path dir) throws IOException, InterruptedException {
        Path x = dir.resolve("plain.qcow2");
        qemuImg(dir, "create", "-q", "-f", "qcow2", x.toString(), "1M");
        return x;
    }

    private static void qemuImg(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "qemu-img", ".out");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish within 60 s");
        }
        String out = Files.readString(output);
        Files.delete(output);
        if (p.exitValue() != 0) {
            throw new IOException(command + " failed (" + p.exitValue() + "): " + out);
        }
    }
}
