package io.jcap.formats.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The first sector of a FAT12/16 volume: a jump over the BIOS parameter block, the BPB and the
 * extended boot record (serial, label, type), 16-bit code that prints {@link #MESSAGE} and halts
 * (a BIOS that boots the volume by mistake says so), and 55 AA.
 */
final class BootSector {
    static final String MESSAGE = "This is not a bootable disk: it holds EFI boot files.\r\n";
    static final byte MEDIA_FIXED_DISK = (byte) 0xF8;
    static final int CODE_OFFSET = 0x3E;
    static final int SECTORS_PER_TRACK = 32;
    /**
     * At 0x7C3E: xor ax,ax; mov ds,ax; mov si,0x7C58; cld; next: lodsb; test al,al; jz halt;
     * mov ah,0x0E; mov bx,7; int 0x10; jmp next; halt: cli; hlt; jmp halt. The message follows at 0x58.
     */
    static final byte[] CODE = {
        0x31, (byte) 0xC0, (byte) 0x8E, (byte) 0xD8, (byte) 0xBE, 0x58, 0x7C, (byte) 0xFC,
        (byte) 0xAC, (byte) 0x84, (byte) 0xC0, 0x74, 0x09,
        (byte) 0xB4, 0x0E, (byte) 0xBB, 0x07, 0x00, (byte) 0xCD, 0x10, (byte) 0xEB, (byte) 0xF2,
        (byte) 0xFA, (byte) 0xF4, (byte) 0xEB, (byte) 0xFC,
    };

    private BootSector() {
    }

    static byte[] bytes(FatGeometry g, FatVolume volume, long hiddenSectors) {
        ByteBuffer b = ByteBuffer.allocate(FatGeometry.SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[] {(byte) 0xEB, (byte) (CODE_OFFSET - 2), (byte) 0x90});
        // Microsoft's specification recommends this OEM name as the one every driver accepts.
        b.put(3, "MSWIN4.1".getBytes(StandardCharsets.US_ASCII));
        b.putShort(11, (short) FatGeometry.SECTOR);
        b.put(13, (byte) g.sectorsPerCluster());
        b.putShort(14, (short) FatGeometry.RESERVED_SECTORS);
        b.put(16, (byte) FatGeometry.FAT_COUNT);
        b.putShort(17, (short) FatGeometry.ROOT_ENTRIES);
        b.putShort(19, (short) (g.totalSectors() < 0x10000 ? g.totalSectors() : 0));
        b.put(21, MEDIA_FIXED_DISK);
        b.putShort(22, (short) g.fatSectors());
        // Sectors per track and heads as mkfs.fat gives an image: nothing reads them but mtools, which
        // refuses a volume whose sector count is not a multiple of the track (so 32, not 63).
        b.putShort(24, (short) SECTORS_PER_TRACK);
        b.putShort(26, (short) 64);
        b.putInt(28, (int) hiddenSectors);
        b.putInt(32, (int) (g.totalSectors() < 0x10000 ? 0 : g.totalSectors()));
        b.put(36, (byte) 0x80); // drive number: a hard disk
        b.put(38, (byte) 0x29); // extended boot signature: serial, label and type follow
        b.putInt(39, volume.serialNumber());
        b.put(43, ShortName.label(volume.label()));
        b.put(54, (g.type() == FatType.FAT12 ? "FAT12   " : "FAT16   ").getBytes(StandardCharsets.US_ASCII));
        b.put(CODE_OFFSET, CODE);
        b.put(CODE_OFFSET + CODE.length, MESSAGE.getBytes(StandardCharsets.US_ASCII));
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return b.array();
    }
}
