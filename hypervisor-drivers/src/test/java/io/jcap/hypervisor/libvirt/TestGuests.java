package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.VmSpec;
import io.jcap.testsupport.PowerOffBootSector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Tiny guests for the libvirt tests: a boot sector that powers off through ACPI, and a busybox initramfs. */
final class TestGuests {
    private TestGuests() {
    }

    /**
     * A boot sector that prints {@code line} on COM1 and powers the machine off through ACPI:
     * the guest's own power-off, which libvirt reports as a shutdown.
     */
    static byte[] printThenPowerOff(String line) {
        return PowerOffBootSector.sector(line);
    }

    /**
     * A Linux guest: the stored {@code linux} kernel, quiet, with an initramfs in {@code dir} whose
     * /init runs the busybox {@code sh} commands {@code commands} and powers the machine off.
     */
    static VmSpec busyboxLinux(Path dir, List<String> commands) throws IOException {
        Path kernel = LibvirtTestSupport.require(
                Path.of(System.getProperty("user.home"), ".jcap", "kernels", "linux", "vmlinuz"),
                "the linux kernel (bin/jcap kernels pull linux)");
        Path busybox = LibvirtTestSupport.require(Path.of("/bin/busybox"), "busybox (apt-get install busybox-static)");
        Path initrd = dir.resolve("initrd.cpio");
        writeInitramfs(busybox, commands, initrd);
        // no_timer_check: as jcap's own Linux guests under TCG (LinuxRunPlan.TCG_TIMER).
        return VmSpec.builder().memoryMiB(256).kernel(kernel).initrd(initrd)
                .append("console=ttyS0 quiet panic=-1 no_timer_check").build();
    }

    /**
     * A newc initramfs whose /init (busybox sh) runs {@code commands} and powers the machine off,
     * with the /dev/console node the kernel needs to give init a console.
     */
    private static void writeInitramfs(Path busybox, List<String> commands, Path target) throws IOException {
        ByteArrayOutputStream cpio = new ByteArrayOutputStream();
        entry(cpio, 1, "bin", 0040755, new byte[0], 0, 0);
        entry(cpio, 2, "bin/busybox", 0100755, Files.readAllBytes(busybox), 0, 0);
        entry(cpio, 3, "dev", 0040755, new byte[0], 0, 0);
        entry(cpio, 4, "dev/console", 0020600, new byte[0], 5, 1);
        String init = "#!/bin/busybox sh\n" + String.join("\n", commands) + "\n/bin/busybox poweroff -f\n";
        entry(cpio, 5, "init", 0100755, init.getBytes(StandardCharsets.US_ASCII), 0, 0);
        entry(cpio, 6, "TRAILER!!!", 0, new byte[0], 0, 0);
        Files.write(target, cpio.toByteArray());
    }

    private static void entry(ByteArrayOutputStream out, int inode, String name, int mode, byte[] data, int rdevMajor,
            int rdevMinor) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        String header = "070701" + hex(inode) + hex(mode) + hex(0) + hex(0) + hex(1) + hex(0) + hex(data.length)
                + hex(0) + hex(0) + hex(rdevMajor) + hex(rdevMinor) + hex(nameBytes.length) + hex(0);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        pad(out);
        out.writeBytes(data);
        pad(out);
    }

    private static String hex(int value) {
        return String.format("%08x", value);
    }

    private static void pad(ByteArrayOutputStream out) {
        byte[] zeros = new byte[(4 - out.size() % 4) % 4];
        Arrays.fill(zeros, (byte) 0);
        out.writeBytes(zeros);
    }
}
