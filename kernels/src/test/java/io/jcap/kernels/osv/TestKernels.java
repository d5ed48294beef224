package io.jcap.kernels.osv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Synthetic OSv kernel files, built byte by byte the way OSv's build lays them out. */
final class TestKernels {
    private TestKernels() {
    }

    /** An x86-64 ELF whose section names and contents are given. */
    static byte[] elf(int elfClass, int machine, List<String> sectionNames, String contents) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        names.write(0);
        int[] nameOffsets = new int[sectionNames.size()];
        for (int i = 0; i < sectionNames.size(); i++) {
            nameOffsets[i] = names.size();
            names.writeBytes((sectionNames.get(i) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        int shstrtabName = names.size();
        names.writeBytes(".shstrtab\0".getBytes(StandardCharsets.US_ASCII));
        byte[] body = contents.getBytes(StandardCharsets.US_ASCII);
        int bodyOffset = 64;
        int namesOffset = bodyOffset + body.length;
        int shoff = namesOffset + names.size();
        int sections = sectionNames.size() + 2; // null section, the named ones, .shstrtab
        ByteBuffer b = ByteBuffer.allocate(shoff + sections * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) elfClass, 1, 1});
        b.putShort(0x10, (short) 2);
        b.putShort(0x12, (short) machine);
        b.putInt(0x14, 1);
        b.putLong(0x28, shoff);
        b.putShort(0x34, (short) 64);
        b.putShort(0x3A, (short) 64);
        b.putShort(0x3C, (short) sections);
        b.putShort(0x3E, (short) (sections - 1));
        b.put(bodyOffset, body);
        b.put(namesOffset, names.toByteArray());
        for (int i = 0; i < sectionNames.size(); i++) {
            int at = shoff + (i + 1) * 64;
            b.putInt(at, nameOffsets[i]);
            b.putInt(at + 4, 1);
            b.putLong(at + 0x18, bodyOffset);
            b.putLong(at + 0x20, body.length);
        }
        int at = shoff + (sections - 1) * 64;
        b.putInt(at, shstrtabName);
        b.putInt(at + 4, 3);
        b.putLong(at + 0x18, namesOffset);
        b.putLong(at + 0x20, names.size());
        return b.array();
    }

    /** OSv's ZFS builder kernel in miniature: OSv's sections and a bootfs naming the ZFS tools. */
    static byte[] builder() {
        return elf(2, 0x3E, List.of(".text", ".tracepoint_patch_sites", ".percpu_workers", ".data"),
                "code...bootfs:/zpool.so\0/tools/mkfs.so\0/tools/cpiod.so\0...");
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
