package io.jcap.formats.iso9660;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes an {@link IsoVolume} as ECMA-119 bytes with a Joliet supplementary descriptor (UCS-2
 * names, level 3), the layout {@code genisoimage -joliet} gives a seed: the same bytes for the
 * same volume (every date is the format's "not specified", the primary names are derived from the
 * Joliet ones). Layout in 2048-byte sectors: 16 system area, primary descriptor, Joliet
 * descriptor, terminator, four path tables, the two root folders, then each file's data.
 *
 * <pre>{@code
 * Files.write(seed, IsoWriter.write(new IsoVolume("cidata", files)));
 * }</pre>
 */
public final class IsoWriter {
    static final int SECTOR = 2048;
    static final int PRIMARY = 16;
    static final int JOLIET = 17;
    private static final int PATH_TABLES = 19;
    private static final int PRIMARY_ROOT = 23;
    private static final int JOLIET_ROOT = 24;
    private static final int FIRST_FILE = 25;

    private IsoWriter() {
    }

    /** The volume's bytes. */
    public static byte[] write(IsoVolume volume) {
        List<String> names = new ArrayList<>(volume.files().keySet());
        int[] extents = new int[names.size()];
        int next = FIRST_FILE;
        for (int i = 0; i < names.size(); i++) {
            extents[i] = next;
            next += Math.max(1, sectors(volume.files().get(names.get(i)).length));
        }
        ByteBuffer b = ByteBuffer.allocate(next * SECTOR);
        descriptor(b, PRIMARY, 1, volume.label(), next, false);
        descriptor(b, JOLIET, 2, volume.label(), next, true);
        b.put(18 * SECTOR, (byte) 255).put(18 * SECTOR + 1, "CD001".getBytes(StandardCharsets.US_ASCII))
                .put(18 * SECTOR + 6, (byte) 1);
        pathTable(b, PATH_TABLES, PRIMARY_ROOT, ByteOrder.LITTLE_ENDIAN);
        pathTable(b, PATH_TABLES + 1, PRIMARY_ROOT, ByteOrder.BIG_ENDIAN);
        pathTable(b, PATH_TABLES + 2, JOLIET_ROOT, ByteOrder.LITTLE_ENDIAN);
        pathTable(b, PATH_TABLES + 3, JOLIET_ROOT, ByteOrder.BIG_ENDIAN);
        List<byte[]> primaryNames = primaryNames(names);
        for (boolean joliet : new boolean[] {false, true}) {
            int root = joliet ? JOLIET_ROOT : PRIMARY_ROOT;
            b.position(root * SECTOR);
            record(b, root, SECTOR, true, new byte[] {0});
            record(b, root, SECTOR, true, new byte[] {1});
            for (int i = 0; i < names.size(); i++) {
                byte[] id = joliet ? names.get(i).getBytes(StandardCharsets.UTF_16BE) : primaryNames.get(i);
                record(b, extents[i], volume.files().get(names.get(i)).length, false, id);
            }
            if (b.position() > (root + 1) * SECTOR) {
                throw new IllegalArgumentException("the files' names do not fit the root folder's one sector:"
                        + " use fewer or shorter names");
            }
        }
        for (int i = 0; i < names.size(); i++) {
            b.put(extents[i] * SECTOR, volume.files().get(names.get(i)));
        }
        return b.array();
    }

    static int sectors(long bytes) {
        return (int) ((bytes + SECTOR - 1) / SECTOR);
    }

    private static void descriptor(ByteBuffer b, int sector, int type, String label, int size, boolean joliet) {
        int at = sector * SECTOR;
        b.put(at, (byte) type).put(at + 1, "CD001".getBytes(StandardCharsets.US_ASCII)).put(at + 6, (byte) 1);
        text(b, at + 8, 32, "", joliet);
        text(b, at + 40, 32, label, joliet);
        both32(b, at + 80, size);
        if (joliet) {
            b.put(at + 88, "%/E".getBytes(StandardCharsets.US_ASCII));
        }
        both16(b, at + 120, 1);
        both16(b, at + 124, 1);
        both16(b, at + 128, SECTOR);
        both32(b, at + 132, 10);
        int tables = joliet ? PATH_TABLES + 2 : PATH_TABLES;
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(at + 140, tables);
        b.order(ByteOrder.BIG_ENDIAN).putInt(at + 148, tables + 1);
        b.position(at + 156);
        record(b, joliet ? JOLIET_ROOT : PRIMARY_ROOT, SECTOR, true, new byte[] {0});
        for (int[] field : new int[][] {{190, 128}, {318, 128}, {446, 128}, {574, 128}, {702, 37}, {739, 37},
            {776, 37}}) {
            text(b, at + field[0], field[1], "", joliet);
        }
        byte[] unspecified = "0000000000000000".getBytes(StandardCharsets.US_ASCII);
        for (int date = 813; date <= 864; date += 17) {
            b.put(at + date, unspecified);
        }
        b.put(at + 881, (byte) 1);
    }

    /** A space-padded text field, in ASCII or (Joliet) UCS-2 big-endian. */
    private static void text(ByteBuffer b, int at, int length, String value, boolean joliet) {
        byte[] padded = new byte[length];
        for (int i = 0; i < length; i++) {
            padded[i] = joliet && i % 2 == 0 ? 0 : (byte) ' ';
        }
        byte[] v = value.getBytes(joliet ? StandardCharsets.UTF_16BE : StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, padded, 0, Math.min(v.length, length - length % 2));
        b.put(at, padded);
    }

    private static void pathTable(ByteBuffer b, int sector, int root, ByteOrder order) {
        int at = sector * SECTOR;
        b.put(at, (byte) 1).put(at + 1, (byte) 0);
        b.order(order).putInt(at + 2, root).putShort(at + 6, (short) 1);
        b.order(ByteOrder.BIG_ENDIAN).put(at + 8, (byte) 0);
    }

    /** A directory record at the buffer's position: 1980-01-01 as its date, one volume. */
    private static void record(ByteBuffer b, int extent, int length, boolean folder, byte[] id) {
        int size = 33 + id.length + (id.length % 2 == 0 ? 1 : 0);
        int at = b.position();
        b.put(at, (byte) size);
        both32(b, at + 2, extent);
        both32(b, at + 10, length);
        b.put(at + 18, new byte[] {80, 1, 1, 0, 0, 0, 0});
        b.put(at + 25, (byte) (folder ? 2 : 0));
        both16(b, at + 28, 1);
        b.put(at + 32, (byte) id.length);
        b.put(at + 33, id);
        b.position(at + size);
    }

    private static void both16(ByteBuffer b, int at, int v) {
        b.order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
        b.order(ByteOrder.BIG_ENDIAN).putShort(at + 2, (short) v);
    }

    private static void both32(ByteBuffer b, int at, int v) {
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        b.order(ByteOrder.BIG_ENDIAN).putInt(at + 4, v);
    }

    /**
     * Level 1 names for readers without Joliet: upper case, other characters as {@code _}, 8.3,
     * version 1 ({@code user-data} is {@code USER_DAT.;1}); a clash is refused.
     */
    static List<byte[]> primaryNames(List<String> names) {
        List<byte[]> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            int dot = name.lastIndexOf('.');
            String base = dot > 0 ? name.substring(0, dot) : name;
            String ext = dot > 0 ? name.substring(dot + 1) : "";
            String level1 = clean(base, 8) + "." + clean(ext, 3) + ";1";
            if (!seen.add(level1)) {
                throw new IllegalArgumentException("files '" + name + "' and another one have the same ISO 9660"
                        + " level 1 name " + level1 + ": rename one");
            }
            out.add(level1.getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    private static String clean(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toUpperCase(Locale.ROOT).toCharArray()) {
            if (b.length() == max) {
                break;
            }
            b.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return b.toString();
    }
}
