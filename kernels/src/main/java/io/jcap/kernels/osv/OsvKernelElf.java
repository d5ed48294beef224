package io.jcap.kernels.osv;

import io.jcap.formats.fastlz.FastLz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * OSv's uncompressed kernel ({@code loader-stripped.elf}) taken out of a loader image, so that
 * OSv can boot directly ({@code -kernel}, as OSv's {@code run.py --kernel} and Firecracker do)
 * instead of through the BIOS and the loader's own decompression, which take about 4 of OSv's
 * 4.5–5 s to first output under software emulation.
 *
 * <p>The loader image holds, from byte 65536, {@code lzloader.elf}: a small 32-bit program whose
 * data section carries the kernel compressed the way OSv's {@code fastlz/lz.cc} writes it: a
 * uint32 offset of a segment table, the segments (1 MiB of kernel each, FastLZ-compressed, or
 * stored as they are when that does not make them smaller), then the table: a uint32 count and,
 * per segment, its uncompressed and its stored size (all little-endian). The blob is found by
 * that structure (each stored size within its segment's, the sizes adding up to the table's
 * offset), not by symbol names, so stripped loaders work too.
 *
 * <pre>{@code
 * Optional<OsvKernelElf> elf = OsvKernelElf.extract(Path.of("loader.img"));
 * elf.get().version();   // "v0.57.0-398-g0e34e4dc"
 * }</pre>
 *
 * @param bytes the kernel ELF
 * @param version OSv's version as the kernel prints it ({@code v0.57.0-398-g0e34e4dc}), or {@code unknown}
 */
public record OsvKernelElf(byte[] bytes, String version) {
    private static final int SEGMENT = 1 << 20;
    private static final int MAX_SEGMENTS = 1024;
    private static final int ELF32_HEADER = 52;
    private static final byte[] VERSION_PREFIX = "OSv v".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_VERSION = 80;

    /**
     * The kernel inside {@code loaderImage}, or empty when the loader does not hold one in the
     * form above (another OSv build, or not a loader at all).
     */
    public static Optional<OsvKernelElf> extract(Path loaderImage) throws IOException {
        byte[] lz;
        try (FileChannel ch = FileChannel.open(loaderImage, StandardOpenOption.READ)) {
            long size = ch.size() - LoaderImageProbe.KERNEL_OFFSET;
            if (size < ELF32_HEADER || size > Integer.MAX_VALUE - 8) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            OsvDisk.readFully(ch, buffer, LoaderImageProbe.KERNEL_OFFSET);
            lz = buffer.array();
        }
        return fromCompressedLoader(lz);
    }

    /**
     * The loader options that make OSv print the application's return code, one line
     * ({@code app_main_ret(return_code=N)}) once its main function returned: the tracepoint, shown
     * on the console as it fires. OSv has no other way to report an exit status without its
     * verbose debug output. (The matching start tracepoint is left out: it fires while the
     * application starts writing, and its line lands in the middle of the application's.)
     */
    public static final String EXIT_TRACE_OPTIONS = "--trace=app_main_ret --strace";
    private static final List<String> EXIT_TRACE_NAMES = List.of("app_main_ret", "--strace");

    /**
     * Whether the kernel ELF {@code kernel} takes {@link #EXIT_TRACE_OPTIONS}: it names the
     * tracepoint and the option (a kernel built without them would refuse the option and power
     * off).
     */
    public static boolean tracesExit(Path kernel) throws IOException {
        try (FileChannel ch = FileChannel.open(kernel, StandardOpenOption.READ)) {
            return FileScan.missing(ch, ch.size(), EXIT_TRACE_NAMES).isEmpty();
        }
    }

    /** The kernel inside the bytes of an {@code lzloader.elf}, or empty. */
    static Optional<OsvKernelElf> fromCompressedLoader(byte[] lz) throws IOException {
        if (!ElfKernelProbe.isElf(lz)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(lz).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = ELF32_HEADER; start + 8 <= lz.length; start++) {
            if (!isBlob(b, start)) {
                continue;
            }
            byte[] kernel;
            try {
                kernel = decompress(b, start);
            } catch (IOException e) {
                continue; // a chance match of the structure: look further
            }
            if (isKernel(kernel)) {
                return Optional.of(new OsvKernelElf(kernel, version(kernel)));
            }
        }
        return Optional.empty();
    }

    /** Whether a segment table that fits the blob's structure starts at {@code start}. */
    private static boolean isBlob(ByteBuffer b, int start) {
        long tableOffset = b.getInt(start) & 0xFFFF_FFFFL;
        if (tableOffset < 8 || start + tableOffset + 4 > b.limit()) {
            return false;
        }
        int table = (int) (start + tableOffset);
        int count = b.getInt(table);
        if (count < 1 || count > MAX_SEGMENTS || table + 4L + 8L * count > b.limit()) {
            return false;
        }
        long stored = 0;
        for (int i = 0; i < count; i++) {
            int plain = b.getInt(table + 4 + 8 * i);
            int packed = b.getInt(table + 8 + 8 * i);
            if (plain <= 0 || plain > SEGMENT || packed <= 0 || packed > plain || (i < count - 1 && plain != SEGMENT)) {
                return false;
            }
            stored += packed;
        }
        return stored + 4 == tableOffset;
    }

    private static byte[] decompress(ByteBuffer b, int start) throws IOException {
        int table = start + b.getInt(start);
        int count = b.getInt(table);
        ByteArrayOutputStream out = new ByteArrayOutputStream(count * SEGMENT);
        int at = start + 4;
        for (int i = 0; i < count; i++) {
            int plain = b.getInt(table + 4 + 8 * i);
            int packed = b.getInt(table + 8 + 8 * i);
            if (packed < plain) {
                out.write(FastLz.decompress(b.array(), at, packed, plain));
            } else {
                out.write(b.array(), at, packed);
            }
            at += packed;
        }
        return out.toByteArray();
    }

    /** A 64-bit little-endian x86-64 ELF executable that names an OSv version. */
    private static boolean isKernel(byte[] elf) {
        return elf.length > 64 && ElfKernelProbe.isElf(elf) && elf[4] == 2 && elf[5] == 1
                && (elf[0x12] & 0xFF) == 0x3E && elf[0x13] == 0 && indexOf(elf, VERSION_PREFIX) >= 0;
    }

    /** The version after {@code "OSv "} in the kernel's banner text, or {@code unknown}. */
    static String version(byte[] elf) {
        int at = indexOf(elf, VERSION_PREFIX);
        if (at < 0) {
            return "unknown";
        }
        int from = at + VERSION_PREFIX.length - 1;
        int end = from;
        while (end < elf.length && end - from < MAX_VERSION && elf[end] > ' ' && elf[end] < 0x7F) {
            end++;
        }
        return new String(elf, from, end - from, StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
