package io.jcap.hypervisor.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.host.HostTool;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creates, converts, inspects and resizes disk images with {@code qemu-img}. Every failure
 * carries qemu-img's own error text.
 *
 * <pre>{@code
 * QemuImg img = new QemuImg(qemu.qemuImg());
 * img.create(disk, DiskFormat.RAW, 256L << 20);
 * img.convert(disk, DiskFormat.RAW, out, DiskFormat.QCOW2, true);
 * long size = img.info(out).virtualSize();
 * }</pre>
 */
public final class QemuImg {
    /** Converting a multi-GB image can take minutes; anything slower is stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;
    private final Duration timeout;

    public QemuImg(Path binary) {
        this(binary, DEFAULT_TIMEOUT);
    }

    public QemuImg(Path binary, Duration timeout) {
        this.binary = binary;
        this.timeout = timeout;
    }

    /** A new empty image of {@code bytes} virtual size (sparse for raw). */
    public void create(Path file, DiskFormat format, long bytes) throws JcapException {
        run("create", file, "-q", "-f", format.qemuName(), file.toString(), Long.toString(bytes));
    }

    /**
     * A new qcow2 overlay whose unchanged blocks come from {@code backing} (qcow2 or raw, read from
     * the file). Written by {@link Qcow2Overlay} without running qemu-img: a run makes one each time.
     */
    public void createOverlay(Path backing, Path overlay) throws JcapException {
        Qcow2Overlay.create(backing, overlay);
    }

    /**
     * A new qcow2 overlay on {@code backing} whose guest bytes from {@code offset} are {@code data}
     * (within the first 64 KiB): the backing image's first cluster is read with {@code qemu-img dd}
     * (whatever its compression), patched, and kept in the overlay; the backing image is only read.
     */
    public void createOverlay(Path backing, DiskFormat format, Path overlay, int offset, byte[] data)
            throws JcapException {
        if (offset < 0 || (long) offset + data.length > Qcow2Overlay.CLUSTER_SIZE) {
            throw new IllegalArgumentException("bytes " + offset + "+" + data.length + " are not in the first cluster");
        }
        byte[] cluster = new byte[Qcow2Overlay.CLUSTER_SIZE];
        Path head = overlay.resolveSibling(overlay.getFileName() + ".head");
        try {
            run("dd", backing, "-f", format.qemuName(), "-O", "raw", "bs=" + cluster.length, "count=1",
                    "if=" + backing, "of=" + head);
            byte[] read = Files.readAllBytes(head);
            System.arraycopy(read, 0, cluster, 0, Math.min(read.length, cluster.length));
        } catch (IOException e) {
            throw new JcapException("cannot read the first cluster of " + backing + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(head);
            } catch (IOException ignored) {
                // a leftover in the run's own folder goes with it
            }
        }
        System.arraycopy(data, 0, cluster, offset, data.length);
        Qcow2Overlay.create(backing, overlay, cluster);
    }

    /**
     * Copies {@code in} into a new image {@code out}; {@code compress} needs a format that supports it (qcow2).
     * Compressed qcow2 uses zstd: a guest reads its kernel through the BIOS from the compressed image at
     * every boot, and zstd decompresses it about half a second sooner under software emulation than
     * zlib, for about 10% more bytes (QEMU 5.1 or newer reads such images).
     */
    public void convert(Path in, DiskFormat inFormat, Path out, DiskFormat outFormat, boolean compress)
            throws JcapException {
        List<String> args = new ArrayList<>(List.of("-q", "-f", inFormat.qemuName(), "-O", outFormat.qemuName()));
        if (compress) {
            args.add("-c");
            if (outFormat == DiskFormat.QCOW2) {
                args.addAll(List.of("-o", "compression_type=zstd"));
            }
            // Clusters compressed on every core and written as they finish (0.17 s against 0.28 s
            // for 114 MB on two cores): the same disk, its clusters in another order in the file.
            args.add("-W");
        }
        args.addAll(List.of(in.toString(), out.toString()));
        run("convert", in, args.toArray(String[]::new));
    }

    /**
     * Writes what the qcow2 {@code overlay} holds into its backing file, leaving the overlay as it
     * is ({@code -d}: emptying it would only cost time; the caller deletes it).
     */
    public void commit(Path overlay) throws JcapException {
        run("commit", overlay, "-q", "-f", DiskFormat.QCOW2.qemuName(), "-d", overlay.toString());
    }

    /** Format, virtual and actual size, backing file; works on an image a running VM holds open. */
    public ImageInfo info(Path file) throws JcapException {
        String json = run("info", file, "-U", "--output=json", file.toString());
        try {
            JsonNode node = JSON.readTree(json);
            JsonNode backing = node.get("backing-filename");
            return new ImageInfo(node.path("format").asText(), node.path("virtual-size").asLong(-1),
                    node.path("actual-size").asLong(0), Optional.ofNullable(backing).map(JsonNode::asText));
        } catch (IOException | IllegalArgumentException e) {
            throw new JcapException("cannot read qemu-img info output for " + file + ": " + e.getMessage(), e);
        }
    }

    /** Grows the virtual size to {@code bytes} (qemu-img refuses to shrink without --shrink). */
    public void resize(Path file, DiskFormat format, long bytes) throws JcapException {
        run("resize", file, "-q", "-f", format.qemuName(), file.toString(), Long.toString(bytes));
    }

    private String run(String subcommand, Path subject, String... args) throws JcapException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), subcommand));
        command.addAll(List.of(args));
        HostTool.Result result = HostTool.run(command, timeout);
        if (result.exitCode() != 0) {
            String stderr = result.stderr().strip().replace('\n', ' ');
            throw new JcapException("qemu-img " + subcommand + " failed for " + subject + " (exit code "
                    + result.exitCode() + "): " + (stderr.isEmpty() ? "no error text" : stderr));
        }
        return result.stdout();
    }
}
