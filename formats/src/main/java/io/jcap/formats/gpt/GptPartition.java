package io.jcap.formats.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * One used entry of a GUID partition table: its type, its own GUID, its first and last sector
 * (inclusive, 512-byte LBAs), its attribute bits and a name of at most 36 UTF-16 code units.
 *
 * <pre>{@code
 * GptPartition esp = new GptPartition(GptPartition.EFI_SYSTEM, UUID.randomUUID(), 2048, 18431,
 *         GptPartition.LEGACY_BIOS_BOOTABLE, "EFI System");
 * }</pre>
 */
public record GptPartition(UUID type, UUID id, long firstLba, long lastLba, long attributes, String name) {
    /** The EFI System Partition, a FAT volume the firmware loads {@code \EFI\BOOT\BOOTX64.EFI} from. */
    public static final UUID EFI_SYSTEM = UUID.fromString("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    /** A Linux file system (ext4 and others). */
    public static final UUID LINUX_FILESYSTEM = UUID.fromString("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    /** GRUB's BIOS boot partition ("Hah!IdontNeedEFI"), where grub-install puts core.img. */
    public static final UUID BIOS_BOOT = UUID.fromString("21686148-6449-6E6F-744E-656564454649");
    /** Attribute bit 2: SYSLINUX's gptmbr.bin boots the first partition that has it. */
    public static final long LEGACY_BIOS_BOOTABLE = 1L << 2;
    /** The name field is 72 bytes of UTF-16LE. */
    public static final int MAX_NAME_UNITS = 36;
    static final int ENTRY_SIZE = 128;
    private static final UUID UNUSED = new UUID(0, 0);

    public GptPartition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (type.equals(UNUSED)) {
            throw new IllegalArgumentException("partition type 00000000-0000-0000-0000-000000000000 marks an unused"
                    + " entry: give a partition type GUID such as " + LINUX_FILESYSTEM);
        }
        if (id.equals(UNUSED)) {
            throw new IllegalArgumentException("partition GUID 00000000-0000-0000-0000-000000000000 is not allowed:"
                    + " give a unique non-zero GUID");
        }
        if (firstLba < 0 || lastLba < firstLba) {
            throw new IllegalArgumentException("partition '" + name + "' from LBA " + firstLba + " to " + lastLba
                    + " is not a sector range: first LBA must be >= 0 and <= last LBA");
        }
        if (name.length() > MAX_NAME_UNITS || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("partition name '" + name.replace("\0", "\\0") + "' has "
                    + name.length() + " UTF-16 units: a GPT name has at most 36 and no NUL character");
        }
    }

    /** Number of 512-byte sectors. */
    public long sectors() {
        return lastLba - firstLba + 1;
    }

    /** Whether attribute bit {@code bit} (0 to 63) is set. */
    public boolean hasAttribute(long bit) {
        return (attributes & bit) != 0;
    }

    /** The 128-byte entry. */
    byte[] toEntry() {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        MixedEndianGuid.put(b, 0, type);
        MixedEndianGuid.put(b, 16, id);
        b.putLong(32, firstLba).putLong(40, lastLba).putLong(48, attributes);
        byte[] utf16 = name.getBytes(StandardCharsets.UTF_16LE);
        b.put(56, utf16);
        return b.array();
    }

    /** The entry at {@code offset} of {@code entries}, or {@code null} for an unused one (type all zeros). */
    static GptPartition fromEntry(ByteBuffer entries, int offset) {
        ByteBuffer b = entries.slice(offset, ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        UUID type = MixedEndianGuid.get(b, 0);
        if (type.equals(UNUSED)) {
            return null;
        }
        int units = 0;
        while (units < MAX_NAME_UNITS && b.getShort(56 + 2 * units) != 0) {
            units++;
        }
        byte[] utf16 = new byte[2 * units];
        b.get(56, utf16);
        return new GptPartition(type, MixedEndianGuid.get(b, 16), b.getLong(32), b.getLong(40), b.getLong(48),
                new String(utf16, StandardCharsets.UTF_16LE));
    }
}
