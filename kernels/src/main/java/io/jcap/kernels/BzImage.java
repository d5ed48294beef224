package io.jcap.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Recognises a Linux x86 boot image by its setup header (the {@code HdrS} signature at offset
 * 0x202) and reads the kernel release from the header's version string.
 */
public final class BzImage {
    private static final int HEADER_MAGIC_OFFSET = 0x202;
    private static final int HEADER_MAGIC = 0x53726448; // "HdrS", little-endian
    private static final int VERSION_POINTER_OFFSET = 0x20e;
    /** The boot protocol version, 0x020f for protocol 2.15. */
    private static final int VERSION_OFFSET = 0x206;
    private static final int PREF_ADDRESS_OFFSET = 0x258;
    private static final int INIT_SIZE_OFFSET = 0x260;
    /** The setup code holding the version string is at most 64 sectors (plus the boot sector). */
    private static final int SETUP_LIMIT = 65 * 512;

    private BzImage() {
    }

    /** True when {@code file} carries the Linux boot protocol header. */
    public static boolean isBzImage(Path file) {
        return bzHeader(file).isPresent();
    }

    /**
     * The kernel release in the header's version string ({@code 6.1.0-56-cloud-amd64} out of
     * {@code "6.1.0-56-cloud-amd64 (debian-kernel@...) #1 SMP ..."}), when there is one.
     */
    public static Optional<String> release(Path file) {
        Optional<ByteBuffer> header = bzHeader(file);
        if (header.isEmpty() || header.get().limit() < VERSION_POINTER_OFFSET + 2) {
            return Optional.empty();
        }
        ByteBuffer h = header.get();
        int pointer = Short.toUnsignedInt(h.getShort(VERSION_POINTER_OFFSET));
        int start = pointer + 0x200;
        if (pointer == 0 || start >= h.limit()) {
            return Optional.empty();
        }
        int end = start;
        while (end < h.limit() && h.get(end) != 0 && h.get(end) != ' ') {
            end++;
        }
        byte[] bytes = new byte[end - start];
        h.get(start, bytes);
        String release = new String(bytes, StandardCharsets.US_ASCII);
        return release.matches("[A-Za-z0-9._+~-]+") ? Optional.of(release) : Optional.empty();
    }

    /**
     * How many bytes short of what its header announces {@code file} is: the setup sectors
     * ({@code setup_sects}, 4 when 0) and the boot sector, then the protected-mode kernel
     * ({@code syssize} 16-byte paragraphs). 0 for a whole image; a bzImage cut short (a failed
     * copy) has its header and boots to nothing.
     */
    public static long missingBytes(Path file) throws IOException {
        Optional<ByteBuffer> header = header(file);
        if (header.isEmpty() || header.get().limit() < 0x1f8) {
            return 0x1f8;
        }
        ByteBuffer h = header.get();
        int setupSectors = Byte.toUnsignedInt(h.get(0x1f1));
        long announced = (long) ((setupSectors == 0 ? 4 : setupSectors) + 1) * 512
                + Integer.toUnsignedLong(h.getInt(0x1f4)) * 16;
        return Math.max(0, announced - Files.size(file));
    }

    /**
     * The memory the kernel occupies while it unpacks itself: from the address it is loaded at
     * ({@code pref_address}) to the end of the room it decompresses into ({@code init_size});
     * boot protocol 2.10 and later. Debian's cloud kernel 6.1: 16 MiB + 51.5 MiB. A guest with
     * less memory than this and its initramfs does not boot at all (an empty console, or an
     * out-of-memory panic before the init).
     */
    public static java.util.OptionalLong unpackedEnd(Path file) {
        Optional<ByteBuffer> header = bzHeader(file);
        if (header.isEmpty() || header.get().limit() < INIT_SIZE_OFFSET + 4) {
            return java.util.OptionalLong.empty();
        }
        ByteBuffer h = header.get();
        if (Short.toUnsignedInt(h.getShort(VERSION_OFFSET)) < 0x20a) {
            return java.util.OptionalLong.empty();
        }
        long preferred = h.getLong(PREF_ADDRESS_OFFSET);
        long initSize = Integer.toUnsignedLong(h.getInt(INIT_SIZE_OFFSET));
        return preferred < 0 || preferred > (1L << 32) ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(preferred + initSize);
    }

    /** The setup header of {@code file}, read once, when it carries the boot protocol's signature. */
    private static Optional<ByteBuffer> bzHeader(Path file) {
        return header(file).filter(h -> h.limit() >= HEADER_MAGIC_OFFSET + 4
                && h.getInt(HEADER_MAGIC_OFFSET) == HEADER_MAGIC);
    }

    private static Optional<ByteBuffer> header(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(ByteBuffer.wrap(in.readNBytes(SETUP_LIMIT)).order(ByteOrder.LITTLE_ENDIAN));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
