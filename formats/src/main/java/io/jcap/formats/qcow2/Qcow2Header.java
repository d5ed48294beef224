package io.jcap.formats.qcow2;

import io.jcap.model.JcapException;
import io.jcap.model.Printable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * What a qcow2 header says about files <em>outside</em> the image: the backing file it reads
 * through, and the external data file that holds its guest clusters. QEMU opens both by the name
 * the header gives, on the host that runs it; so a disk jcap did not write itself could make QEMU
 * read a host file into the guest, or write the guest's bytes over one. Every disk jcap takes
 * from elsewhere goes through {@link #requireSelfContained} first.
 *
 * <pre>{@code
 * Qcow2Header.requireSelfContained(Path.of("loader.img"), "kernel file");
 * Optional<Qcow2Header> header = Qcow2Header.read(Path.of("image.qcow2")); // empty: not qcow2
 * }</pre>
 *
 * @param version 2 or 3 (anything else QEMU refuses, and so does jcap)
 * @param backingFile the backing file's name as stored, if any
 * @param externalDataFile the external data file's name (header extension {@code 0x44415441}), if any
 * @param externalDataBit whether the incompatible-feature bit 2 ("external data file") is set
 */
public record Qcow2Header(int version, Optional<String> backingFile, Optional<String> externalDataFile,
                          boolean externalDataBit) {
    static final int MAGIC = 0x514649fb; // "QFI\xfb"
    static final int EXTERNAL_DATA_FILE_EXTENSION = 0x44415441; // "DATA"
    static final long EXTERNAL_DATA_FILE_BIT = 1L << 2;
    private static final int V2_HEADER_LENGTH = 72;
    /** QEMU reads the header and its extensions from the first cluster, and no cluster is larger than 2 MiB. */
    private static final int MAX_HEADER_AREA = 2 << 20;
    private static final int MAX_NAME = 1023;

    public Qcow2Header {
        backingFile = backingFile == null ? Optional.empty() : backingFile;
        externalDataFile = externalDataFile == null ? Optional.empty() : externalDataFile;
    }

    /** Whether the image needs no other file to be read: no backing file, no external data file. */
    public boolean selfContained() {
        return backingFile.isEmpty() && externalDataFile.isEmpty() && !externalDataBit;
    }

    /**
     * Refuses {@code file} when it is a qcow2 image that names a backing file or an external data
     * file (a file of any other format passes: QEMU opens it as raw, as jcap tells it to).
     *
     * @param what what the file is to the user ("kernel file", "image"), for the message
     */
    public static void requireSelfContained(Path file, String what) throws JcapException {
        requireSelfContained(file, what, file);
    }

    /**
     * {@link #requireSelfContained(Path, String)} of {@code content}, named {@code file} in the
     * message: the file the user gave when {@code content} is its decompressed copy.
     */
    public static void requireSelfContained(Path content, String what, Path file) throws JcapException {
        Optional<Qcow2Header> header = read(content);
        if (header.isEmpty()) {
            return;
        }
        Qcow2Header h = header.get();
        String refusal = " jcap takes only self-contained disks, since QEMU would open that file on this host;"
                + " convert it first (qemu-img convert -O qcow2 " + file + " self-contained.qcow2)";
        if (h.backingFile.isPresent()) {
            throw new JcapException(what + " " + file + " is a qcow2 image with a backing file, '" + h.backingFile.get()
                    + "':" + refusal);
        }
        if (h.externalDataFile.isPresent()) {
            throw new JcapException(what + " " + file + " is a qcow2 image with an external data file, '"
                    + h.externalDataFile.get() + "':" + refusal);
        }
        if (h.externalDataBit) {
            throw new JcapException(what + " " + file + " is a qcow2 image whose header sets the external data file"
                    + " feature (incompatible feature bit 2) without naming the file:" + refusal);
        }
    }

    /**
     * The header of {@code file} if it starts with the qcow2 magic; empty for any other file.
     *
     * @throws JcapException when the file cannot be read, or its qcow2 header is damaged (a damaged
     *     header is refused rather than guessed at: QEMU might read it differently)
     */
    public static Optional<Qcow2Header> read(Path file) throws JcapException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, MAX_HEADER_AREA));
            while (head.hasRemaining() && in.read(head) >= 0) {
                // a short read is retried until the area is read or the file ends
            }
            head.flip();
            if (head.remaining() < 4 || head.getInt(0) != MAGIC) {
                return Optional.empty();
            }
            return Optional.of(parse(file, head));
        } catch (NoSuchFileException e) {
            throw new JcapException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The virtual size of qcow2 image {@code file}: the size of the disk the guest sees (the
     * header's {@code size} field, bytes 24 to 31), not the file's.
     *
     * @throws JcapException when the file cannot be read or is not a qcow2 image
     */
    public static long virtualSize(Path file) throws JcapException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(32);
            while (head.hasRemaining() && in.read(head) >= 0) {
                // a short read is retried until the 32 bytes are read or the file ends
            }
            if (head.position() < 32 || head.getInt(0) != MAGIC) {
                throw new JcapException(file + " is not a qcow2 image (no qcow2 header)");
            }
            long size = head.getLong(24);
            if (size <= 0) {
                throw damaged(file, "its virtual size is " + Long.toUnsignedString(size));
            }
            return size;
        } catch (NoSuchFileException e) {
            throw new JcapException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Qcow2Header parse(Path file, ByteBuffer head) throws JcapException {
        if (head.limit() < V2_HEADER_LENGTH) {
            throw damaged(file, "its header is cut short at " + head.limit() + " bytes");
        }
        int version = head.getInt(4);
        if (version != 2 && version != 3) {
            throw damaged(file, "its version is " + Integer.toUnsignedString(version) + ", not 2 or 3");
        }
        long backingOffset = head.getLong(8);
        int backingSize = head.getInt(16);
        Optional<String> backing = Optional.empty();
        if (backingOffset != 0) {
            // QEMU reads the name whatever its length says; a length of 0 with an offset is still a backing file.
            backing = Optional.of(backingSize <= 0 || backingSize > MAX_NAME || backingOffset < 0
                    || backingOffset + backingSize > head.limit()
                    ? "(a name of " + Integer.toUnsignedString(backingSize) + " bytes at byte " + backingOffset + ")"
                    : string(head, (int) backingOffset, backingSize));
        }
        long incompatible = 0;
        int extensions = V2_HEADER_LENGTH;
        if (version == 3) {
            if (head.limit() < 104) {
                throw damaged(file, "its version 3 header is cut short at " + head.limit() + " bytes");
            }
            incompatible = head.getLong(72);
            extensions = head.getInt(100);
            if (extensions < 104 || extensions > head.limit()) {
                throw damaged(file, "its header length " + Integer.toUnsignedString(extensions) + " is out of range");
            }
        }
        Optional<String> dataFile = Optional.empty();
        int at = extensions;
        while (true) {
            if (at + 8 > head.limit()) {
                throw damaged(file, "its header extensions run past byte " + head.limit());
            }
            int type = head.getInt(at);
            int length = head.getInt(at + 4);
            if (type == 0) {
                break;
            }
            if (length < 0 || (long) at + 8 + length > head.limit()) {
                throw damaged(file, "its header extension at byte " + at + " runs past byte " + head.limit());
            }
            if (type == EXTERNAL_DATA_FILE_EXTENSION) {
                dataFile = Optional.of(length == 0 ? "(an empty name)" : string(head, at + 8, Math.min(length, MAX_NAME)));
            }
            at += 8 + (length + 7) / 8 * 8;
        }
        return new Qcow2Header(version, backing, dataFile, (incompatible & EXTERNAL_DATA_FILE_BIT) != 0);
    }

    private static String string(ByteBuffer head, int offset, int length) {
        byte[] bytes = new byte[length];
        head.get(offset, bytes);
        // The name goes into a one-line message: control characters are shown, not printed.
        return Printable.of(new String(bytes, StandardCharsets.UTF_8));
    }

    private static JcapException damaged(Path file, String why) {
        return new JcapException(file + " starts like a qcow2 image but " + why + ": the file is damaged or not a"
                + " disk jcap can take");
    }
}
