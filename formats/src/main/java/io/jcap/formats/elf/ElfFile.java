package io.jcap.formats.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of a little-endian ELF64 x86-64 file jcap needs: the interpreter and dynamic section
 * of programs and shared libraries, and named sections of kernel modules. Files are read with
 * positional reads, never loaded whole.
 */
public final class ElfFile {
    public static final int ET_REL = 1;
    private static final int EM_X86_64 = 62;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_SONAME = 14;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;
    /** No real header table comes near this; it bounds what a damaged file can make us allocate. */
    private static final int MAX_TABLE = 1 << 24;

    /** What the dynamic section says about loading: needed names, search paths, own name. */
    public record Dynamic(List<String> needed, Optional<String> soname, Optional<String> rpath, Optional<String> runpath) {
        public Dynamic {
            needed = List.copyOf(needed);
        }
    }

    private record Segment(int type, long offset, long vaddr, long fileSize) {
    }

    private final Path path;
    private final int type;
    private final List<Segment> segments;
    private final long sectionOffset;
    private final int sectionSize;
    private final int sectionCount;
    private final int sectionNames;
    private final FileChannel channel;

    private ElfFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        if (channel.size() < 64 || read(0, 4).getInt(0) != 0x464c457f) {
            throw new IOException(path + " is not an ELF file");
        }
        ByteBuffer header = read(0, 64);
        if (header.get(4) != 2 || header.get(5) != 1 || header.getShort(18) != EM_X86_64) {
            throw new IOException(path + " is not a 64-bit little-endian x86-64 ELF file");
        }
        type = Short.toUnsignedInt(header.getShort(16));
        long programOffset = header.getLong(32);
        sectionOffset = header.getLong(40);
        int programSize = Short.toUnsignedInt(header.getShort(54));
        int programCount = Short.toUnsignedInt(header.getShort(56));
        sectionSize = Short.toUnsignedInt(header.getShort(58));
        sectionCount = Short.toUnsignedInt(header.getShort(60));
        sectionNames = Short.toUnsignedInt(header.getShort(62));
        List<Segment> list = new ArrayList<>();
        if (programCount > 0) {
            ByteBuffer table = read(programOffset, programSize * programCount);
            for (int i = 0; i < programCount; i++) {
                int at = i * programSize;
                list.add(new Segment(table.getInt(at), table.getLong(at + 8), table.getLong(at + 16),
                        table.getLong(at + 32)));
            }
        }
        segments = List.copyOf(list);
    }

    /**
     * Reads an ELF file's headers.
     *
     * @throws IOException when the file cannot be read or is not a 64-bit little-endian x86-64 ELF file
     */
    public static <T> T read(Path file, ElfReader<T> reader) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return reader.read(new ElfFile(file, channel));
        }
    }

    /** Work done on an open ELF file. */
    @FunctionalInterface
    public interface ElfReader<T> {
        T read(ElfFile elf) throws IOException;
    }

    /** True when the file starts with the ELF magic (a cheap check before {@link #read}). */
    public static boolean looksLikeElf(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            return channel.read(magic, 0) == 4 && magic.getInt(0) == 0x464c457f;
        } catch (IOException e) {
            return false;
        }
    }

    public int type() {
        return type;
    }

    /** The program interpreter (PT_INTERP), such as {@code /lib64/ld-linux-x86-64.so.2}. */
    public Optional<String> interpreter() throws IOException {
        for (Segment s : segments) {
            if (s.type() == PT_INTERP) {
                return Optional.of(cString(read(s.offset(), size(s.fileSize())), 0));
            }
        }
        return Optional.empty();
    }

    /** The dynamic section, or empty for a static program. */
    public Optional<Dynamic> dynamic() throws IOException {
        Segment dynamicSegment = segments.stream().filter(s -> s.type() == PT_DYNAMIC).findFirst().orElse(null);
        if (dynamicSegment == null) {
            return Optional.empty();
        }
        ByteBuffer table = read(dynamicSegment.offset(), size(dynamicSegment.fileSize()));
        List<Long> needed = new ArrayList<>();
        long strtab = -1;
        long strsz = -1;
        long soname = -1;
        long rpath = -1;
        long runpath = -1;
        for (int at = 0; at + 16 <= table.limit(); at += 16) {
            long tag = table.getLong(at);
            long value = table.getLong(at + 8);
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_NEEDED) {
                needed.add(value);
            } else if (tag == DT_STRTAB) {
                strtab = value;
            } else if (tag == DT_STRSZ) {
                strsz = value;
            } else if (tag == DT_SONAME) {
                soname = value;
            } else if (tag == DT_RPATH) {
                rpath = value;
            } else if (tag == DT_RUNPATH) {
                runpath = value;
            }
        }
        if (strtab < 0 || strsz < 0) {
            return Optional.of(new Dynamic(List.of(), Optional.empty(), Optional.empty(), Optional.empty()));
        }
        ByteBuffer strings = read(fileOffset(strtab), size(strsz));
        List<String> names = new ArrayList<>();
        for (long n : needed) {
            names.add(cString(strings, n));
        }
        return Optional.of(new Dynamic(names, string(strings, soname), string(strings, rpath), string(strings, runpath)));
    }

    /** The bytes of the named section (a kernel module's {@code .modinfo}), or empty when absent. */
    public Optional<byte[]> section(String name) throws IOException {
        if (sectionCount == 0 || sectionNames >= sectionCount) {
            return Optional.empty();
        }
        ByteBuffer table = read(sectionOffset, sectionSize * sectionCount);
        int namesAt = sectionNames * sectionSize;
        ByteBuffer names = read(table.getLong(namesAt + 24), size(table.getLong(namesAt + 32)));
        for (int i = 0; i < sectionCount; i++) {
            int at = i * sectionSize;
            if (cString(names, Integer.toUnsignedLong(table.getInt(at))).equals(name)) {
                ByteBuffer data = read(table.getLong(at + 24), size(table.getLong(at + 32)));
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                return Optional.of(bytes);
            }
        }
        return Optional.empty();
    }

    private long fileOffset(long vaddr) throws IOException {
        for (Segment s : segments) {
            if (s.type() == PT_LOAD && vaddr >= s.vaddr() && vaddr < s.vaddr() + s.fileSize()) {
                return vaddr - s.vaddr() + s.offset();
            }
        }
        throw new IOException(path + ": dynamic string table address 0x" + Long.toHexString(vaddr)
                + " lies in no loadable segment");
    }

    private int size(long value) throws IOException {
        if (value < 0 || value > MAX_TABLE) {
            throw new IOException(path + ": implausible ELF table size " + value);
        }
        return (int) value;
    }

    private ByteBuffer read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || length > MAX_TABLE) {
            throw new IOException(path + ": ELF header points outside the file");
        }
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException(path + " is truncated (an ELF table runs past its end)");
            }
        }
        return buffer.flip();
    }

    private Optional<String> string(ByteBuffer strings, long offset) throws IOException {
        return offset < 0 ? Optional.empty() : Optional.of(cString(strings, offset));
    }

    private String cString(ByteBuffer buffer, long offset) throws IOException {
        if (offset < 0 || offset >= buffer.limit()) {
            throw new IOException(path + ": ELF string offset " + offset + " is outside its table");
        }
        int start = (int) offset;
        int end = start;
        while (end < buffer.limit() && buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buffer.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
