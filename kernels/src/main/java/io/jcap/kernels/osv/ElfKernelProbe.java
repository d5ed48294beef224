package io.jcap.kernels.osv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that an ELF file is OSv's ZFS builder kernel: a 64-bit little-endian x86-64 ELF with a
 * section only OSv's kernel linker script makes ({@code .tracepoint_patch_sites} or
 * {@code .percpu_workers}; stripping keeps section names), whose built-in boot file system holds
 * the ZFS tools: the names {@code /tools/mkfs.so} and {@code /tools/cpiod.so} appear literally
 * in it, as OSv's bootfs stores names uncompressed. A plain OSv kernel ELF lacks them.
 */
final class ElfKernelProbe {
    static final List<String> OSV_SECTIONS = List.of(".tracepoint_patch_sites", ".percpu_workers");
    static final List<String> BUILDER_TOOLS = List.of("/tools/mkfs.so", "/tools/cpiod.so");
    private static final int EM_X86_64 = 0x3E;
    private static final int HEADER = 64;
    private static final int SECTION_HEADER = 64;
    private static final long MAX_NAME_TABLE = 1 << 20;

    private ElfKernelProbe() {
    }

    static boolean isElf(byte[] head) {
        return head.length >= 4 && head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    }

    /** Why the ELF file is not OSv's ZFS builder kernel, or null when it is. */
    static String problem(FileChannel ch, long size) throws IOException {
        if (size < HEADER) {
            return "it is a truncated ELF file of " + size + " bytes";
        }
        ByteBuffer h = read(ch, 0, HEADER);
        int elfClass = h.get(4);
        if (elfClass == 1) {
            return "it is a 32-bit ELF file; OSv kernels are 64-bit x86-64";
        }
        if (elfClass != 2 || h.get(5) != 1) {
            return "it is an ELF file but not a 64-bit little-endian one; OSv kernels are 64-bit x86-64";
        }
        int machine = h.getShort(0x12) & 0xFFFF;
        if (machine != EM_X86_64) {
            return String.format("it is an ELF file for machine 0x%X, not x86-64 (0x3E)", machine);
        }
        List<String> sections = sectionNames(ch, size, h);
        if (sections == null) {
            return "it is an x86-64 ELF file without a readable section table, so OSv's kernel sections cannot be found";
        }
        if (sections.stream().noneMatch(OSV_SECTIONS::contains)) {
            return "it is an x86-64 ELF file without OSv's kernel sections " + String.join(" and ", OSV_SECTIONS);
        }
        List<String> missing = FileScan.missing(ch, size, BUILDER_TOOLS);
        if (!missing.isEmpty()) {
            return "it is an OSv kernel ELF without the ZFS tools " + String.join(" and ", BUILDER_TOOLS)
                    + " a builder kernel carries (OSv's plain kernel, loader-stripped.elf: jcap takes that one out of"
                    + " loader.img itself, so import loader.img)";
        }
        return null;
    }

    /** The section names, or null when the section table is missing or does not fit the file. */
    private static List<String> sectionNames(FileChannel ch, long size, ByteBuffer h) throws IOException {
        long shoff = h.getLong(0x28);
        int entrySize = h.getShort(0x3A) & 0xFFFF;
        int count = h.getShort(0x3C) & 0xFFFF;
        int namesIndex = h.getShort(0x3E) & 0xFFFF;
        if (shoff <= 0 || count == 0 || entrySize != SECTION_HEADER || namesIndex >= count
                || shoff > size || (long) count * SECTION_HEADER > size - shoff) {
            return null;
        }
        ByteBuffer table = read(ch, shoff, count * SECTION_HEADER);
        long namesOffset = table.getLong(namesIndex * SECTION_HEADER + 0x18);
        long namesSize = table.getLong(namesIndex * SECTION_HEADER + 0x20);
        if (namesOffset < 0 || namesSize <= 0 || namesSize > MAX_NAME_TABLE || namesOffset > size - namesSize) {
            return null;
        }
        byte[] names = new byte[(int) namesSize];
        read(ch, namesOffset, names.length).get(names);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = table.getInt(i * SECTION_HEADER) & 0xFFFF_FFFFL;
            if (start >= names.length) {
                continue;
            }
            int end = (int) start;
            while (end < names.length && names[end] != 0) {
                end++;
            }
            result.add(new String(names, (int) start, end - (int) start, StandardCharsets.ISO_8859_1));
        }
        return result;
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        OsvDisk.readFully(ch, b, position);
        return b.flip();
    }
}
