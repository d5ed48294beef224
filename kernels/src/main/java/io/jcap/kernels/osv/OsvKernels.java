package io.jcap.kernels.osv;

import io.jcap.formats.mbr.BootRecord;
import io.jcap.formats.qcow2.Qcow2Header;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * Recognises OSv kernel files by their content, never by their name: OSv's loader image
 * ({@code loader.img}, {@code osv-loader.qemu}) and OSv's ZFS builder kernel
 * ({@code zfs_builder.elf}, {@code osv-zfs-builder.elf}), either of them possibly
 * gzip-compressed (as some release assets are).
 *
 * <p>A loader image has the boot signature 55 AA at byte 510, an ELF header (the compressed
 * kernel) at byte 65536, a kernel-size field at byte 0x10 (32 KiB units) that the file's length
 * bears out, and an empty partition table. A builder kernel is a 64-bit x86-64 ELF file with one
 * of OSv's own kernel sections ({@code .tracepoint_patch_sites}, {@code .percpu_workers}) and
 * the names of the ZFS tools it carries ({@code /tools/mkfs.so}, {@code /tools/cpiod.so}).
 *
 * <pre>{@code
 * OsvKernelKind kind = OsvKernels.recognise(Path.of("osv-loader.qemu.x86_64"));
 * OsvKernels.copyUncompressed(Path.of("osv-zfs-builder.elf.x86_64.gz"), store.resolve("kernel"));
 * }</pre>
 */
public final class OsvKernels {
    /** A compressed kernel that grows past this is refused rather than filling the disk. */
    static final long MAX_UNCOMPRESSED = 1L << 30;
    private static final int GZIP_MAGIC_0 = 0x1F;
    private static final int GZIP_MAGIC_1 = 0x8B;

    private OsvKernels() {
    }

    /**
     * What kind of OSv kernel {@code file} is.
     *
     * @throws NotAnOsvKernelException naming the file and why it is neither kind
     * @throws JcapException when the file cannot be read
     */
    public static OsvKernelKind recognise(Path file) throws JcapException {
        return inspect(file).kind();
    }

    /** Like {@link #recognise}, also telling whether the file is gzip-compressed and its raw size. */
    public static OsvKernelFile inspect(Path file) throws JcapException {
        checkReadable(file);
        try {
            if (!isGzip(file)) {
                return new OsvKernelFile(classify(file, file, ""), false, Files.size(file));
            }
            Path raw = Files.createTempFile("jcap-osv-kernel-", ".raw");
            try {
                long size = gunzip(file, raw);
                if (isGzip(raw)) {
                    throw refused(file, "it is gzip-compressed twice");
                }
                return new OsvKernelFile(classify(file, raw, "once decompressed, "), true, size);
            } finally {
                Files.deleteIfExists(raw);
            }
        } catch (IOException e) {
            throw new JcapException("cannot read kernel file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies {@code file} to {@code target}, decompressing it when it is gzip-compressed, so that
     * the kernel store holds raw kernels only.
     */
    public static void copyUncompressed(Path file, Path target) throws JcapException {
        checkReadable(file);
        try {
            if (isGzip(file)) {
                gunzip(file, target);
            } else {
                Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new JcapException("cannot copy kernel file " + file + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file starts with the gzip magic bytes 1F 8B. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == GZIP_MAGIC_0 && in.read() == GZIP_MAGIC_1;
        }
    }

    private static OsvKernelKind classify(Path named, Path content, String prefix) throws IOException, JcapException {
        Qcow2Header.requireSelfContained(content, "kernel file", named);
        try (FileChannel ch = FileChannel.open(content, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw refused(named, prefix + "the file is empty");
            }
            byte[] head = new byte[(int) Math.min(size, OsvDisk.SECTOR)];
            OsvDisk.readFully(ch, ByteBuffer.wrap(head), 0);
            if (ElfKernelProbe.isElf(head)) {
                String problem = ElfKernelProbe.problem(ch, size);
                if (problem != null) {
                    throw refused(named, prefix + problem);
                }
                return OsvKernelKind.ZFS_BUILDER;
            }
            if (!BootRecord.hasSignature(head)) {
                String what = size < OsvDisk.SECTOR
                        ? "it is only " + size + " bytes, too short for a boot sector, and not an ELF file"
                        : "it has neither an ELF header nor the boot signature 55 AA at byte 510";
                throw refused(named, prefix + what);
            }
            String problem = LoaderImageProbe.problem(ch, size, head);
            if (problem != null) {
                throw refused(named, prefix + problem);
            }
            return OsvKernelKind.LOADER_IMAGE;
        }
    }

    private static long gunzip(Path gz, Path raw) throws IOException, JcapException {
        long total = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
             OutputStream out = Files.newOutputStream(raw)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > MAX_UNCOMPRESSED) {
                    throw refused(gz, "it decompresses to more than 1 GiB");
                }
                out.write(buffer, 0, n);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw refused(gz, "it starts like a gzip file but does not decompress: " + e.getMessage());
        }
        return total;
    }

    private static void checkReadable(Path file) throws JcapException {
        if (!Files.isRegularFile(file)) {
            throw new JcapException(file + " is not a file: give the path of an OSv loader image or ZFS builder kernel");
        }
    }

    private static NotAnOsvKernelException refused(Path file, String reason) {
        return new NotAnOsvKernelException(file, reason);
    }
}
