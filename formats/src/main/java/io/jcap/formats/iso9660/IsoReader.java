package io.jcap.formats.iso9660;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the label and root-folder files of an ISO 9660 volume held in memory: names from the Joliet
 * descriptor when there is one (as {@code genisoimage -joliet} and {@link IsoWriter} write), else
 * the primary names without their version. Sub-folders are skipped.
 *
 * <pre>{@code
 * IsoVolume seed = IsoReader.read(Files.readAllBytes(Path.of("seed.iso")));
 * byte[] userData = seed.files().get("user-data");
 * }</pre>
 */
public final class IsoReader {
    private static final int SECTOR = IsoWriter.SECTOR;

    private IsoReader() {
    }

    /** The volume in {@code iso}; {@link IllegalArgumentException} naming the fault when it is not one. */
    public static IsoVolume read(byte[] iso) {
        ByteBuffer b = ByteBuffer.wrap(iso).order(ByteOrder.LITTLE_ENDIAN);
        String label = null;
        int root = -1;
        int rootSize = 0;
        boolean joliet = false;
        for (int s = IsoWriter.PRIMARY; ; s++) {
            int at = s * SECTOR;
            if (at + SECTOR > iso.length
                    || !new String(iso, at + 1, 5, StandardCharsets.US_ASCII).equals("CD001")) {
                throw new IllegalArgumentException("not an ISO 9660 volume: no descriptor set terminator at sector "
                        + s);
            }
            int type = iso[at] & 0xff;
            if (type == 255) {
                break;
            }
            boolean jolietHere = type == 2 && iso[at + 88] == '%' && iso[at + 89] == '/';
            if (type == 1 && label == null) {
                label = new String(iso, at + 40, 32, StandardCharsets.US_ASCII).stripTrailing();
            }
            if ((type == 1 && !joliet) || jolietHere) {
                root = b.getInt(at + 156 + 2);
                rootSize = b.getInt(at + 156 + 10);
                joliet |= jolietHere;
            }
        }
        if (label == null) {
            throw new IllegalArgumentException("not an ISO 9660 volume: no primary volume descriptor");
        }
        Map<String, byte[]> files = new TreeMap<>();
        long end = (long) root * SECTOR + rootSize;
        if (root < 0 || end > iso.length) {
            throw new IllegalArgumentException("ISO 9660 root folder lies outside the volume");
        }
        for (int p = root * SECTOR; p < end; ) {
            int length = iso[p] & 0xff;
            if (length == 0) {
                p = (p / SECTOR + 1) * SECTOR;
                continue;
            }
            int nameLength = iso[p + 32] & 0xff;
            boolean folder = (iso[p + 25] & 2) != 0;
            if (!folder) {
                String name = joliet ? new String(iso, p + 33, nameLength, StandardCharsets.UTF_16BE)
                        : new String(iso, p + 33, nameLength, StandardCharsets.US_ASCII);
                int semi = name.lastIndexOf(';');
                name = semi >= 0 ? name.substring(0, semi) : name;
                name = !joliet && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
                int extent = b.getInt(p + 2);
                int size = b.getInt(p + 10);
                if ((long) extent * SECTOR + size > iso.length || size < 0) {
                    throw new IllegalArgumentException("ISO 9660 file '" + name + "' lies outside the volume");
                }
                byte[] data = new byte[size];
                System.arraycopy(iso, extent * SECTOR, data, 0, size);
                files.put(name, data);
            }
            p += length;
        }
        return new IsoVolume(label, files);
    }
}
