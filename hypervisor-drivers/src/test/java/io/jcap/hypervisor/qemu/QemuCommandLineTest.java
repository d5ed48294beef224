package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.DiskBus;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.hypervisor.NicModel;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandLineTest {
    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    private static final Path QMP = Path.of("/tmp/jcap-qemu-1/qmp.sock");

    @Test
    void of_fullSpec_givesExactArguments() {
        VmSpec spec = VmSpec.builder().accelerator(Accelerator.KVM).memoryMiB(512).cpus(2)
                .kernel(Path.of("/k/vmlinuz")).initrd(Path.of("/k/initrd")).append("console=ttyS0 jcap.mode=build")
                .drive(Drive.virtio(Path.of("/img/a,b.raw"), DiskFormat.RAW).withBootIndex(0))
                .drive(Drive.virtio(Path.of("/img/base.qcow2"), DiskFormat.QCOW2).asReadOnly().asSnapshot())
                .userNetwork(PortForward.tcp(0, 10000), new PortForward("127.0.0.1", 5353, 53, PortForward.Protocol.UDP))
                .rng(true).extraArgs("-device", "isa-debug-exit").build();
        List<PortForward> chosen = List.of(PortForward.tcp(40001, 10000),
                new PortForward("127.0.0.1", 5353, 53, PortForward.Protocol.UDP));

        List<String> args = QemuCommandLine.of(QEMU, spec, QMP, chosen);

        assertEquals(List.of("/usr/bin/qemu-system-x86_64",
                "-M", "pc", "-accel", "kvm", "-m", "512", "-smp", "2",
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-nodefaults",
                "-chardev", "socket,id=qmp,path=/tmp/jcap-qemu-1/qmp.sock,server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-no-reboot",
                "-kernel", "/k/vmlinuz", "-initrd", "/k/initrd", "-append", "console=ttyS0 jcap.mode=build",
                "-drive", "file=/img/a,,b.raw,format=raw,if=none,id=drive0,werror=report,rerror=report",
                "-device", "virtio-blk-pci,drive=drive0,bootindex=0",
                "-drive", "file=/img/base.qcow2,format=qcow2,if=none,id=drive1,werror=report,rerror=report,readonly=on,snapshot=on",
                "-device", "virtio-blk-pci,drive=drive1",
                "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:40001-:10000,hostfwd=udp:127.0.0.1:5353-:53",
                "-device", "virtio-net-pci,netdev=net0,romfile=",
                "-object", "rng-random,id=rng0,filename=/dev/urandom",
                "-device", "virtio-rng-pci,rng=rng0",
                "-device", "isa-debug-exit"), args);
    }

    @Test
    void tcgWithSeveralVcpus_runsThemInOneThread_kvmAndOneVcpuAsTheyAre() {
        assertEquals("tcg,thread=single", QemuCommandLine.accel(VmSpec.builder().accelerator(Accelerator.TCG).cpus(2).build()));
        assertEquals("tcg", QemuCommandLine.accel(VmSpec.builder().accelerator(Accelerator.TCG).cpus(1).build()));
        assertEquals("kvm", QemuCommandLine.accel(VmSpec.builder().accelerator(Accelerator.KVM).cpus(4).build()));
        List<String> args = QemuCommandLine.of(QEMU, VmSpec.builder().accelerator(Accelerator.TCG).cpus(2).build(), QMP,
                List.of());
        assertEquals(List.of("-accel", "tcg,thread=single"), args.subList(args.indexOf("-accel"), args.indexOf("-accel") + 2));
    }

    @Test
    void of_cloudDevices_givesNvmeAndScsiDisksOnOneControllerAndTheChosenCard() {
        VmSpec spec = VmSpec.builder()
                .drive(Drive.virtio(Path.of("/img/root.qcow2"), DiskFormat.QCOW2).withBus(DiskBus.NVME).withBootIndex(0))
                .drive(Drive.virtio(Path.of("/img/a.raw"), DiskFormat.RAW).withBus(DiskBus.SCSI))
                .drive(Drive.virtio(Path.of("/img/b.raw"), DiskFormat.RAW).withBus(DiskBus.SCSI))
                .userNetwork().nic(NicModel.VMXNET3).build();

        List<String> args = QemuCommandLine.of(QEMU, spec, QMP, List.of());

        assertEquals(List.of("-device", "virtio-scsi-pci,id=scsi0",
                "-drive", "file=/img/root.qcow2,format=qcow2,if=none,id=drive0,werror=report,rerror=report",
                "-device", "nvme,serial=jcap0,drive=drive0,bootindex=0",
                "-drive", "file=/img/a.raw,format=raw,if=none,id=drive1,werror=report,rerror=report",
                "-device", "scsi-hd,bus=scsi0.0,drive=drive1",
                "-drive", "file=/img/b.raw,format=raw,if=none,id=drive2,werror=report,rerror=report",
                "-device", "scsi-hd,bus=scsi0.0,drive=drive2",
                "-netdev", "user,id=net0", "-device", "vmxnet3,netdev=net0,romfile="),
                args.subList(args.indexOf("-no-reboot") + 1, args.size()));
    }

    @Test
    void of_firmware_startsItWithBiosInsteadOfSeaBios() {
        VmSpec spec = VmSpec.builder().machine("q35").firmware(Path.of("/usr/share/ovmf/OVMF.fd"))
                .drive(Drive.virtio(Path.of("/img/root.qcow2"), DiskFormat.QCOW2).withBootIndex(0)).build();

        List<String> args = QemuCommandLine.of(QEMU, spec, QMP, List.of());

        assertEquals(List.of("-bios", "/usr/share/ovmf/OVMF.fd", "-drive", "file=/img/root.qcow2,format=qcow2,if=none,id=drive0,werror=report,rerror=report",
                "-device", "virtio-blk-pci,drive=drive0,bootindex=0"), args.subList(args.indexOf("-no-reboot") + 1, args.size()));
    }

    @Test
    void firmwareWithADirectKernel_loadsTheKernelThroughIt() {
        VmSpec spec = VmSpec.builder().machine("q35").firmware(Path.of("/usr/share/qemu/qboot.rom"))
                .kernel(Path.of("/k/vmlinuz")).initrd(Path.of("/k/initrd.img")).append("console=ttyS0").build();

        List<String> args = QemuCommandLine.of(Path.of("/usr/bin/qemu-system-x86_64"), spec, Path.of("/run/qmp.sock"),
                List.of());

        assertEquals(List.of("-bios", "/usr/share/qemu/qboot.rom", "-kernel", "/k/vmlinuz", "-initrd", "/k/initrd.img",
                "-append", "console=ttyS0"), args.subList(args.indexOf("-no-reboot") + 1, args.size()));
    }

    @Test
    void nicModelAndDiskBus_parseWhatUsersWrite_andNameTheChoicesOtherwise() {
        assertEquals(NicModel.E1000E, NicModel.parse("e1000e"));
        assertEquals(DiskBus.NVME, DiskBus.parse("nvme"));
        assertEquals("unknown network card 'rtl8139': use virtio, e1000, e1000e or vmxnet3",
                assertThrows(IllegalArgumentException.class, () -> NicModel.parse("rtl8139")).getMessage());
        assertEquals("unknown disk bus 'ide': use virtio, scsi or nvme",
                assertThrows(IllegalArgumentException.class, () -> DiskBus.parse("ide")).getMessage());
    }

    @Test
    void of_minimalSpec_hasNoDevicesAndReboots() {
        VmSpec spec = VmSpec.builder().noReboot(false).build();

        List<String> args = QemuCommandLine.of(QEMU, spec, QMP, List.of());

        assertEquals(List.of("/usr/bin/qemu-system-x86_64",
                "-M", "pc", "-accel", "tcg", "-m", "256", "-smp", "1",
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-nodefaults",
                "-chardev", "socket,id=qmp,path=/tmp/jcap-qemu-1/qmp.sock,server=on,wait=off",
                "-mon", "chardev=qmp,mode=control"), args);
    }

    @Test
    void vmSpec_appendWithoutKernel_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VmSpec.builder().append("console=ttyS0").build());

        assertEquals("an initrd or a kernel command line needs a kernel", e.getMessage());
    }

    @Test
    void detached_consoleAndMonitorToKeeperSocketsDaemonizesAndPassesFirmwareFiles() {
        VmSpec spec = VmSpec.builder().memoryMiB(128)
                .drive(Drive.virtio(Path.of("/i/web/overlay.qcow2"), DiskFormat.QCOW2).withBootIndex(0))
                .userNetwork(PortForward.tcp(8080, 8080))
                .firmwareFile(new FirmwareFile("opt/io.jcap/config", Path.of("/i/web/settings,1"))).build();

        List<String> args = QemuCommandLine.detached(QEMU, spec, Path.of("/i/web,1/qmp"), spec.portForwards(),
                Path.of("/i/web/console,sock"), Path.of("/i/web/events,sock"), Path.of("/i/web/qemu.pid"));

        assertEquals(List.of("/usr/bin/qemu-system-x86_64",
                "-M", "pc", "-accel", "tcg", "-m", "128", "-smp", "1", "-display", "none",
                "-chardev", "socket,id=console,path=/i/web/console,,sock", "-serial", "chardev:console",
                "-chardev", "socket,id=events,path=/i/web/events,,sock", "-mon", "chardev=events,mode=control",
                "-monitor", "none", "-nodefaults",
                "-chardev", "socket,id=qmp,path=/i/web,,1/qmp,server=on,wait=off", "-mon", "chardev=qmp,mode=control",
                "-S", "-daemonize", "-pidfile", "/i/web/qemu.pid",
                "-no-reboot",
                "-drive", "file=/i/web/overlay.qcow2,format=qcow2,if=none,id=drive0,werror=report,rerror=report",
                "-device", "virtio-blk-pci,drive=drive0,bootindex=0",
                "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:8080-:8080",
                "-device", "virtio-net-pci,netdev=net0,romfile=",
                "-fw_cfg", "name=opt/io.jcap/config,file=/i/web/settings,,1"), args);
    }

    @Test
    void firmwareFile_nameOutsideOpt_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FirmwareFile("etc/config", Path.of("/f")));

        assertEquals("fw_cfg name must be opt/ followed by 1 to 51 letters, digits, '.', '_', '-' or '/', got etc/config",
                e.getMessage());
    }

    @Test
    void vmSpec_forwardsWithoutNetwork_areRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VmSpec("pc", Accelerator.TCG, 64, 1, java.util.Optional.empty(), java.util.Optional.empty(),
                        java.util.Optional.empty(), List.of(), false, NicModel.VIRTIO, List.of(PortForward.tcp(0, 22)), false, true,
                        List.of(), List.of(), java.util.Optional.empty()));

        assertEquals("port forwards need the user-mode network", e.getMessage());
    }

    @Test
    void drive_asScratch_dropsTheGuestsFlushes_andOnlyThen() {
        VmSpec spec = VmSpec.builder()
                .drive(Drive.virtio(Path.of("/w/disk.qcow2"), DiskFormat.QCOW2).withDiscard().asScratch())
                .drive(Drive.virtio(Path.of("/w/plain.raw"), DiskFormat.RAW).withBootIndex(0))
                .build();
        List<String> args = QemuCommandLine.of(QEMU, spec, QMP, List.of());
        assertTrue(args.contains("file=/w/disk.qcow2,format=qcow2,if=none,id=drive0,werror=report,rerror=report"
                + ",discard=unmap,cache=unsafe"), args.toString());
        assertTrue(args.contains("file=/w/plain.raw,format=raw,if=none,id=drive1,werror=report,rerror=report"),
                args.toString());
        assertTrue(Drive.virtio(Path.of("/w/x.raw"), DiskFormat.RAW).asScratch().withBootIndex(2).asReadOnly()
                .withBus(io.jcap.hypervisor.DiskBus.NVME).scratch(), "the with-methods keep it");
    }

    @Test
    void drive_withDiscard_passesTheGuestsDiscardsToTheImage_andOnlyThen() {
        VmSpec spec = VmSpec.builder()
                .drive(Drive.virtio(Path.of("/w/overlay.qcow2"), DiskFormat.QCOW2).withDiscard())
                .drive(Drive.virtio(Path.of("/w/other.raw"), DiskFormat.RAW).withBootIndex(1).withDiscard().asReadOnly())
                .drive(Drive.virtio(Path.of("/w/plain.raw"), DiskFormat.RAW))
                .build();
        List<String> args = QemuCommandLine.of(QEMU, spec, QMP, List.of());
        assertTrue(args.contains("file=/w/overlay.qcow2,format=qcow2,if=none,id=drive0,werror=report,rerror=report"
                + ",discard=unmap"), args.toString());
        assertTrue(args.contains("file=/w/other.raw,format=raw,if=none,id=drive1,werror=report,rerror=report"
                + ",readonly=on,discard=unmap"), args.toString());
        assertTrue(args.contains("file=/w/plain.raw,format=raw,if=none,id=drive2,werror=report,rerror=report"),
                args.toString());
    }

    /** A run's volume: the guest tells its disk from the others by the serial. */
    @Test
    void drive_withSerial_givesTheVirtioDiskItsSerial_andOnlyAVirtioDiskTakesOne() {
        VmSpec spec = VmSpec.builder()
                .drive(Drive.virtio(Path.of("/w/root.qcow2"), DiskFormat.QCOW2).withBootIndex(0))
                .drive(Drive.virtio(Path.of("/v/data.img"), DiskFormat.RAW).withSerial("jcap-vol-0").asReadOnly())
                .build();
        List<String> args = QemuCommandLine.of(QEMU, spec, QMP, List.of());
        assertTrue(args.contains("virtio-blk-pci,drive=drive0,bootindex=0"), args.toString());
        assertTrue(args.contains("virtio-blk-pci,drive=drive1,serial=jcap-vol-0"), args.toString());
        assertTrue(args.contains("file=/v/data.img,format=raw,if=none,id=drive1,werror=report,rerror=report"
                + ",readonly=on"), args.toString());
        Drive disk = Drive.virtio(Path.of("/v/x.img"), DiskFormat.RAW);
        assertThrows(IllegalArgumentException.class, () -> disk.withSerial("Jcap_Vol"));
        assertThrows(IllegalArgumentException.class, () -> disk.withSerial("a".repeat(21)));
        assertThrows(IllegalArgumentException.class,
                () -> disk.withSerial("jcap-vol-0").withBus(io.jcap.hypervisor.DiskBus.SCSI));
    }

    @Test
    void shellLine_quotesArgumentsWithSpacesOrQuotes_soThatAShellSplitsThemBack() {
        String line = QemuCommandLine.shellLine(List.of("/usr/bin/qemu-system-x86_64", "-append",
                "console=ttyS0 jcap.mode=build", "-drive", "file=/img/a,,b.raw,format=raw", "it's"));

        assertEquals("/usr/bin/qemu-system-x86_64 -append 'console=ttyS0 jcap.mode=build'"
                + " -drive file=/img/a,,b.raw,format=raw 'it'\\''s'", line);
    }
}
