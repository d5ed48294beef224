package io.jcap.formats.fat;

import static io.jcap.formats.ReferenceTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.gpt.GptDisk;
import io.jcap.formats.gpt.GptPartition;
import io.jcap.host.HostTool;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requirements;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPT and the ESP as UEFI firmware and GRUB see them: OVMF finds partition 1 by its type,
 * reads {@code \EFI\BOOT\BOOTX64.EFI} from the FAT16 volume and starts it; that GRUB (made here by
 * grub-mkimage) reads its grub.cfg from the same volume, lists the GPT's partitions and the
 * directory, and powers the machine off.
 */
class FirmwareBootIT {
    private static final Path OVMF = Path.of("/usr/share/qemu/OVMF.fd");
    private static final Path GRUB_MODULES = Path.of("/usr/lib/grub/x86_64-efi");
    private static final String GRUB_CFG = "echo JCAP-ESP-BEGIN\nls\nls (hd0,gpt1)/EFI/BOOT/\necho\necho JCAP-ESP-END\n"
            + "halt\n";

    @TempDir
    Path dir;

    @BeforeAll
    static void needs() {
        Requirements.require(Component.QEMU);
        Requirements.requireProgram("grub-mkimage", "grub-common");
        Requirements.require(Files.isDirectory(GRUB_MODULES), GRUB_MODULES + " (apt-get install grub-efi-amd64-bin)");
        Requirements.require(Files.isRegularFile(OVMF), OVMF + " (apt-get install ovmf)");
    }

    @Test
    void ovmfStartsGrubFromTheEsp_andGrubReadsTheGptAndTheFat() throws Exception {
        run(dir, "grub-mkimage", "-O", "x86_64-efi", "-o", "BOOTX64.EFI", "-p", "/EFI/BOOT", "normal", "echo", "halt",
                "configfile", "ls", "part_gpt", "fat");
        long sectors = 64 << 11;
        Path disk = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(sectors * 512);
        }
        new GptDisk(sectors, new UUID(1, 1), List.of(
                new GptPartition(GptPartition.EFI_SYSTEM, new UUID(2, 2), 2048, 18431, 0, "EFI System"),
                new GptPartition(GptPartition.LINUX_FILESYSTEM, new UUID(3, 3), 18432, sectors - 34,
                        GptPartition.LEGACY_BIOS_BOOTABLE, "root"))).writeTo(disk, new byte[0]);
        FatVolume esp = new FatVolume(8 << 20, "ESP", 1, Map.of(
                "/EFI/BOOT/BOOTX64.EFI", Files.readAllBytes(dir.resolve("BOOTX64.EFI")),
                "/EFI/BOOT/GRUB.CFG", GRUB_CFG.getBytes(StandardCharsets.US_ASCII)));
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            FatWriter.write(esp, channel, 2048L * 512);
        }

        String qemu = Optional.ofNullable(System.getenv("JCAP_QEMU")).orElse("qemu-system-x86_64");
        HostTool.Result boot = HostTool.run(List.of(qemu, "-machine", "q35", "-m", "256", "-display", "none",
                "-no-reboot", "-net", "none", "-bios", OVMF.toString(), "-serial", "stdio",
                "-drive", "file=" + disk + ",format=raw,if=virtio"), dir, Duration.ofMinutes(5));
        String console = boot.stdout().replaceAll("\u001b\\[[0-9;=]*[A-Za-z]", "").replace("\r", "");
        assertEquals(0, boot.exitCode(), console + boot.stderr());
        int begin = console.indexOf("JCAP-ESP-BEGIN\n");
        int end = console.indexOf("JCAP-ESP-END");
        assertTrue(begin >= 0 && end > begin, "GRUB did not run its grub.cfg from the ESP:\n" + console);
        List<String> lines = console.substring(begin, end).lines().map(String::strip).toList();
        assertTrue(lines.contains("(hd0) (hd0,gpt2) (hd0,gpt1)") || lines.contains("(hd0) (hd0,gpt2) (hd0,gpt1) (cd0)"),
                "GRUB's partitions: " + lines);
        // GRUB shows 8.3 names in lower case.
        assertTrue(lines.contains("bootx64.efi grub.cfg"), "GRUB's listing of /EFI/BOOT: " + lines);
    }
}
