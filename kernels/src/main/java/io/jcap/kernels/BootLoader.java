package io.jcap.kernels;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a raw disk bootable with SYSLINUX's extlinux: the MBR (syslinux's boot code and a
 * partition table with one bootable Linux partition from 1 MiB to the end of the disk), and the
 * {@code extlinux.conf} that boots {@code /boot/vmlinuz} with {@code /boot/initrd.img}. The builder
 * guest then formats the partition and runs {@code extlinux --install}.
 *
 * <pre>{@code
 * BootLoader boot = new BootLoader();
 * boot.writeMbr(Path.of("disk.raw"));
 * String conf = BootLoader.extlinuxConfig("console=ttyS0 jcap.mode=run");
 * }</pre>
 */
public final class BootLoader {
    /** Syslinux's MBR boot code, from the Debian package syslinux-common. */
    public static final Path SYSLINUX_MBR = Path.of("/usr/lib/syslinux/mbr/mbr.bin");
    /** Syslinux's MBR boot code for GPT disks: it boots the partition marked legacy-BIOS-bootable. */
    public static final Path SYSLINUX_GPT_MBR = Path.of("/usr/lib/syslinux/mbr/gptmbr.bin");
    public static final int SECTOR = 512;
    /** The kernel and the initramfs in the image's root file system, where both boot loaders read them. */
    public static final String KERNEL = "/boot/vmlinuz";
    public static final String INITRD = "/boot/initrd.img";
    /** The partition starts at 1 MiB, where partitioning tools align it. */
    public static final long PARTITION_START = 2048;
    private static final int CODE_SIZE = 440;
    private static final int TABLE_OFFSET = 446;
    private static final int HEADS = 255;
    private static final int SECTORS_PER_TRACK = 63;

    private final Path mbrCode;

    public BootLoader() {
        this(SYSLINUX_MBR);
    }

    /** @param mbrCode the file holding the boot code (at most 440 bytes) */
    public BootLoader(Path mbrCode) {
        this.mbrCode = mbrCode;
    }

    /**
     * Sector 0 for a disk of {@code diskBytes}: boot code, a zero disk signature, partition 1
     * (bootable, type 0x83, from sector 2048 to the end), the other three entries empty, 0x55AA.
     */
    public byte[] masterBootRecord(long diskBytes) throws JcapException {
        if (diskBytes % SECTOR != 0 || diskBytes / SECTOR <= PARTITION_START) {
            throw new JcapException("a disk of " + diskBytes + " bytes cannot hold a partition at 1 MiB: it must be a "
                    + "multiple of 512 bytes and larger than 1 MiB");
        }
        long sectors = diskBytes / SECTOR;
        long count = sectors - PARTITION_START;
        if (count > 0xFFFFFFFFL) {
            throw new JcapException("a disk of " + diskBytes + " bytes is too large for an MBR partition table "
                    + "(at most 2 TiB)");
        }
        ByteBuffer sector = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        sector.put(0, code());
        sector.position(TABLE_OFFSET);
        sector.put((byte) 0x80);
        sector.put(chs(PARTITION_START));
        sector.put((byte) 0x83);
        sector.put(chs(sectors - 1));
        sector.putInt((int) PARTITION_START);
        sector.putInt((int) count);
        sector.put(510, (byte) 0x55);
        sector.put(511, (byte) 0xAA);
        return sector.array();
    }

    /** Writes {@link #masterBootRecord} over sector 0 of {@code disk}, sized from the file. */
    public void writeMbr(Path disk) throws JcapException {
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer sector = ByteBuffer.wrap(masterBootRecord(channel.size()));
            while (sector.hasRemaining()) {
                channel.write(sector, sector.position());
            }
            channel.force(false);
        } catch (IOException e) {
            throw new JcapException("cannot write the boot sector of " + disk + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code extlinux.conf} that boots the image's kernel at once (no prompt, no menu).
     *
     * @param append the kernel command line
     */
    public static String extlinuxConfig(String append) {
        if (append.indexOf('\n') >= 0 || append.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a kernel command line cannot contain line breaks: " + append);
        }
        return "DEFAULT linux\n"
                + "PROMPT 0\n"
                + "TIMEOUT 0\n"
                + "LABEL linux\n"
                + "  LINUX " + KERNEL + "\n"
                + "  INITRD " + INITRD + "\n"
                + "  APPEND " + append + "\n";
    }

    /** Cylinder/head/sector of an LBA with 255 heads and 63 sectors per track, capped at 1023/254/63. */
    static byte[] chs(long lba) {
        long cylinder = lba / (HEADS * SECTORS_PER_TRACK);
        long head = (lba / SECTORS_PER_TRACK) % HEADS;
        long sector = lba % SECTORS_PER_TRACK + 1;
        if (cylinder > 1023) {
            cylinder = 1023;
            head = 254;
            sector = 63;
        }
        return new byte[] {(byte) head, (byte) (sector | ((cylinder >> 2) & 0xC0)), (byte) (cylinder & 0xFF)};
    }

    /** The boot code of this loader's file: at most 440 bytes, for the start of sector 0. */
    public byte[] bootCode() throws JcapException {
        return code();
    }

    private byte[] code() throws JcapException {
        byte[] code;
        try {
            code = Files.readAllBytes(mbrCode);
        } catch (NoSuchFileException e) {
            throw new EnvironmentException("the syslinux MBR boot code " + mbrCode + " is missing: install the Debian "
                    + "package syslinux-common");
        } catch (IOException e) {
            throw new JcapException("cannot read the MBR boot code " + mbrCode + ": " + e.getMessage(), e);
        }
        if (code.length == 0 || code.length > CODE_SIZE) {
            throw new JcapException("MBR boot code " + mbrCode + " has " + code.length + " bytes; expected 1 to "
                    + CODE_SIZE);
        }
        return code;
    }
}
