package io.jcap.kernels;

import io.jcap.formats.fat.FatVolume;
import io.jcap.formats.fat.FatWriter;
import io.jcap.formats.gpt.GptDisk;
import io.jcap.formats.gpt.GptPartition;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The disk of a jcap Linux image, which boots under a BIOS and under UEFI alike
 * (docs/guest-protocol.md, "Disk layout"): a GUID partition table whose protective MBR carries
 * SYSLINUX's {@code gptmbr.bin}; partition 1 the EFI system partition (FAT16, 8 MiB, written
 * here) holding GRUB as {@code \EFI\BOOT\BOOTX64.EFI} and its {@code grub.cfg}; partition 2, from
 * 9 MiB to the last whole MiB, the root file system, marked legacy-BIOS-bootable for
 * {@code gptmbr.bin}, which the builder guest formats and fills and where it installs extlinux.
 * Both loaders read the same kernel and initramfs from the root.
 *
 * <p>Every identifier is derived from the root file system's UUID, so a rebuild writes the same
 * bytes.
 *
 * <pre>{@code
 * DiskLayout.write(disk, new BootLoader(BootLoader.SYSLINUX_GPT_MBR).bootCode(), loader,
 *         GrubEfi.config(append, root), root);
 * }</pre>
 */
public final class DiskLayout {
    /** The root file system's partition number: the builder guest's {@code jcap.part}. */
    public static final int ROOT_PARTITION = 2;
    static final long ESP_FIRST_LBA = 2048;
    static final long ESP_BYTES = 8L << 20;
    static final long ROOT_FIRST_LBA = ESP_FIRST_LBA + ESP_BYTES / GptDisk.SECTOR;
    private static final long MIB_SECTORS = (1L << 20) / GptDisk.SECTOR;
    /** What the layout takes besides the root: the MiB before the ESP, the ESP, the MiB of the backup table. */
    public static final long OVERHEAD_BYTES = (ROOT_FIRST_LBA + MIB_SECTORS) * GptDisk.SECTOR;
    /** Where the root partition starts on the disk, in bytes. */
    public static final long ROOT_OFFSET = ROOT_FIRST_LBA * GptDisk.SECTOR;
    /** The smallest disk: the overhead and a root of 1 MiB. */
    public static final long MIN_BYTES = OVERHEAD_BYTES + (1L << 20);

    private DiskLayout() {
    }

    /**
     * The partitions of a disk of {@code diskBytes} (a whole number of MiB) for the root file
     * system {@code root}: the ESP, then the root from 9 MiB to the end of the last whole MiB
     * before the backup table.
     */
    static GptDisk table(long diskBytes, UUID root) throws JcapException {
        if (diskBytes % (1L << 20) != 0 || diskBytes < MIN_BYTES) {
            throw new JcapException("a Linux image's disk of " + diskBytes + " bytes is not allowed: it must be a whole"
                    + " number of MiB, at least " + (MIN_BYTES >> 20) + " MiB");
        }
        long sectors = diskBytes / GptDisk.SECTOR;
        GptPartition esp = new GptPartition(GptPartition.EFI_SYSTEM, derived("EFI system partition", root),
                ESP_FIRST_LBA, ROOT_FIRST_LBA - 1, 0, "EFI system partition");
        GptPartition rootPartition = new GptPartition(GptPartition.LINUX_FILESYSTEM, derived("root partition", root),
                ROOT_FIRST_LBA, sectors - MIB_SECTORS - 1, GptPartition.LEGACY_BIOS_BOOTABLE, "jcap root");
        return new GptDisk(sectors, derived("disk", root), List.of(esp, rootPartition));
    }

    /**
     * Writes the partition table and the EFI system partition into {@code disk}, a file already of
     * the disk's size, leaving the root partition to the builder guest.
     *
     * @param mbrCode the BIOS boot code of the protective MBR ({@code gptmbr.bin})
     * @param efiLoader the UEFI loader ({@link GrubEfi#image})
     * @param grubConfig its configuration ({@link GrubEfi#config})
     */
    public static void write(Path disk, byte[] mbrCode, byte[] efiLoader, String grubConfig, UUID root)
            throws JcapException {
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            GptDisk table = table(channel.size(), root);
            table.writeTo(channel, mbrCode);
            FatVolume esp = new FatVolume(ESP_BYTES, "EFI", (int) derived("FAT serial", root).getMostSignificantBits(),
                    Map.of("/EFI/BOOT/BOOTX64.EFI", efiLoader,
                            "/EFI/BOOT/GRUB.CFG", grubConfig.getBytes(StandardCharsets.UTF_8)));
            FatWriter.write(esp, channel, ESP_FIRST_LBA * GptDisk.SECTOR);
            channel.force(false);
        } catch (IllegalArgumentException e) {
            throw new JcapException("cannot lay out the disk " + disk + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new JcapException("cannot write the partition table and the EFI system partition of " + disk + ": "
                    + e.getMessage(), e);
        }
    }

    private static UUID derived(String what, UUID root) {
        return UUID.nameUUIDFromBytes(("jcap " + what + " of the root file system " + root)
                .getBytes(StandardCharsets.UTF_8));
    }
}
