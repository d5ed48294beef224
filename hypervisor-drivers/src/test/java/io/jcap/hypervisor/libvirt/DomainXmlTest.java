package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainXmlTest {
    private static final Path DIR = Path.of("/var/tmp/jcap-libvirt-root/jcap-0011aabb");
    private static final String CONSOLE = DIR + "/console.log";

    @Test
    void of_diskOnlySpec_isPlainTcgDomainWithoutQemuNamespace() {
        VmSpec spec = VmSpec.builder().memoryMiB(32)
                .drive(Drive.virtio(DIR.resolve("disk0.raw"), DiskFormat.RAW).withBootIndex(0)).build();

        String xml = DomainXml.of("jcap-0011aabb", spec, CONSOLE, List.of());

        assertEquals("""
                <domain type='qemu'>
                  <name>jcap-0011aabb</name>
                  <memory unit='MiB'>32</memory>
                  <vcpu>1</vcpu>
                  <os>
                    <type arch='x86_64' machine='pc'>hvm</type>
                  </os>
                  <features>
                    <acpi/>
                  </features>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>destroy</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <controller type='usb' model='none'/>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='raw' error_policy='report' rerror_policy='report'/>
                      <source file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/disk0.raw'/>
                      <target dev='vda' bus='virtio'/>
                      <boot order='1'/>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
                    </disk>
                    <serial type='pty'>
                      <log file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/console.log' append='off'/>
                      <target port='0'/>
                    </serial>
                    <console type='pty'>
                      <target type='serial' port='0'/>
                    </console>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """, xml);
    }

    @Test
    void of_fullSpec_hasKernelDisksWithSerialsRngNetworkAndExtraArgs() {
        VmSpec spec = VmSpec.builder().machine("q35").accelerator(Accelerator.KVM).memoryMiB(512).cpus(2)
                .kernel(DIR.resolve("kernel")).initrd(DIR.resolve("initrd")).append("console=ttyS0 jcap.mode=run")
                .drive(Drive.virtio(DIR.resolve("disk0.qcow2"), DiskFormat.QCOW2).asSnapshot().withBootIndex(0))
                .drive(Drive.virtio(DIR.resolve("disk1.raw"), DiskFormat.RAW).asReadOnly().withSerial("jcap-vol-0"))
                .userNetwork(PortForward.tcp(0, 10000), new PortForward("127.0.0.1", 5353, 53, PortForward.Protocol.UDP))
                .rng(true).noReboot(false).extraArgs("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04").build();
        List<PortForward> chosen = List.of(PortForward.tcp(40123, 10000), spec.portForwards().get(1));

        String xml = DomainXml.of("jcap-0011aabb", spec, CONSOLE, chosen);

        assertEquals("""
                <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
                  <name>jcap-0011aabb</name>
                  <memory unit='MiB'>512</memory>
                  <vcpu>2</vcpu>
                  <os>
                    <type arch='x86_64' machine='q35'>hvm</type>
                    <kernel>/var/tmp/jcap-libvirt-root/jcap-0011aabb/kernel</kernel>
                    <initrd>/var/tmp/jcap-libvirt-root/jcap-0011aabb/initrd</initrd>
                    <cmdline>console=ttyS0 jcap.mode=run</cmdline>
                  </os>
                  <features>
                    <acpi/>
                  </features>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>restart</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <controller type='usb' model='none'/>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2' error_policy='report' rerror_policy='report'/>
                      <source file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/disk0.qcow2'/>
                      <target dev='vda' bus='virtio'/>
                      <boot order='1'/>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
                    </disk>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='raw' error_policy='report' rerror_policy='report'/>
                      <source file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/disk1.raw'/>
                      <target dev='vdb' bus='virtio'/>
                      <serial>jcap-vol-0</serial>
                      <readonly/>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
                    </disk>
                    <serial type='pty'>
                      <log file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/console.log' append='off'/>
                      <target port='0'/>
                    </serial>
                    <console type='pty'>
                      <target type='serial' port='0'/>
                    </console>
                    <rng model='virtio'>
                      <backend model='random'>/dev/urandom</backend>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x06' function='0x0'/>
                    </rng>
                    <memballoon model='none'/>
                  </devices>
                  <qemu:commandline>
                    <qemu:arg value='-netdev'/>
                    <qemu:arg value='user,id=jcapnet0,hostfwd=tcp:127.0.0.1:40123-:10000,hostfwd=udp:127.0.0.1:5353-:53'/>
                    <qemu:arg value='-device'/>
                    <qemu:arg value='virtio-net-pci,netdev=jcapnet0,romfile=,bus=pcie.0,addr=0x3'/>
                    <qemu:arg value='-device'/>
                    <qemu:arg value='isa-debug-exit,iobase=0xf4,iosize=0x04'/>
                  </qemu:commandline>
                </domain>
                """, xml);
    }

    @Test
    void of_firmware_isTheDomainsLoaderAsARom() {
        VmSpec spec = VmSpec.builder().machine("q35").firmware(Path.of("/usr/share/ovmf/OVMF.fd"))
                .drive(Drive.virtio(DIR.resolve("disk0.raw"), DiskFormat.RAW).withBootIndex(0)).build();

        String xml = DomainXml.of("jcap-0011aabb", spec, CONSOLE, List.of());

        assertTrue(xml.contains("""
                  <os>
                    <type arch='x86_64' machine='q35'>hvm</type>
                    <loader readonly='yes' type='rom'>/usr/share/ovmf/OVMF.fd</loader>
                  </os>
                """), xml);
    }

    @Test
    void of_firmwareFiles_becomeFwcfgSysinfoEntries() {
        VmSpec spec = VmSpec.builder().memoryMiB(128)
                .drive(Drive.virtio(DIR.resolve("disk0.qcow2"), DiskFormat.QCOW2).withBootIndex(0))
                .firmwareFile(new FirmwareFile("opt/io.jcap/config", DIR.resolve("fw_cfg0")))
                .firmwareFile(new FirmwareFile("opt/io.jcap/other", DIR.resolve("fw_cfg1"))).build();

        String xml = DomainXml.of("jcap-0011aabb", spec, CONSOLE, List.of());

        assertEquals("""
                <domain type='qemu'>
                  <name>jcap-0011aabb</name>
                  <memory unit='MiB'>128</memory>
                  <vcpu>1</vcpu>
                  <sysinfo type='fwcfg'>
                    <entry name='opt/io.jcap/config' file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/fw_cfg0'/>
                    <entry name='opt/io.jcap/other' file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/fw_cfg1'/>
                  </sysinfo>
                  <os>
                    <type arch='x86_64' machine='pc'>hvm</type>
                  </os>
                  <features>
                    <acpi/>
                  </features>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>destroy</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <controller type='usb' model='none'/>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2' error_policy='report' rerror_policy='report'/>
                      <source file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/disk0.qcow2'/>
                      <target dev='vda' bus='virtio'/>
                      <boot order='1'/>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
                    </disk>
                    <serial type='pty'>
                      <log file='/var/tmp/jcap-libvirt-root/jcap-0011aabb/console.log' append='off'/>
                      <target port='0'/>
                    </serial>
                    <console type='pty'>
                      <target type='serial' port='0'/>
                    </console>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """, xml);
    }

    @Test
    void of_specialCharacters_areEscaped() {
        VmSpec spec = VmSpec.builder().kernel(Path.of("/tmp/a&b/<k>")).append("x='1' y=\"2\"").build();

        String xml = DomainXml.of("jcap-x", spec, "/tmp/it's.log", List.of());

        assertTrue(xml.contains("<kernel>/tmp/a&amp;b/&lt;k&gt;</kernel>"), xml);
        assertTrue(xml.contains("<cmdline>x=&apos;1&apos; y=&quot;2&quot;</cmdline>"), xml);
        assertTrue(xml.contains("<log file='/tmp/it&apos;s.log' append='off'/>"), xml);
    }

    @Test
    void of_controlCharacterInCommandLine_isRejected() {
        VmSpec spec = VmSpec.builder().kernel(Path.of("/k")).append("a\nb").build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DomainXml.of("jcap-x", spec, CONSOLE, List.of()));

        assertEquals("domain XML cannot carry the control character U+000A in 'a?b'", e.getMessage());
    }

    @Test
    void of_nvmeDiskOrOtherCard_isRejectedNamingTheQemuDriver() {
        VmSpec nvme = VmSpec.builder().drive(Drive.virtio(DIR.resolve("disk.qcow2"), DiskFormat.QCOW2)
                .withBus(io.jcap.hypervisor.DiskBus.NVME)).build();
        VmSpec e1000 = VmSpec.builder().userNetwork().nic(io.jcap.hypervisor.NicModel.E1000).build();
        for (VmSpec spec : List.of(nvme, e1000)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DomainXml.of("app-1", spec, "/var/log/x.log", List.of()));
            assertEquals("the libvirt driver attaches virtio disks and network cards only: choose another disk bus"
                    + " or card with the qemu driver", e.getMessage());
        }
    }

    @Test
    void of_microvmMachine_isRejected() {
        VmSpec spec = VmSpec.builder().machine("microvm").build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DomainXml.of("jcap-x", spec, CONSOLE, List.of()));

        assertEquals("the libvirt driver runs the pc and q35 machine types, got microvm", e.getMessage());
    }

    @Test
    void of_forwardWithoutChosenPort_isRejected() {
        VmSpec spec = VmSpec.builder().userNetwork(PortForward.tcp(0, 80)).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DomainXml.of("jcap-x", spec, CONSOLE, spec.portForwards()));

        assertEquals("forward to guest port 80 has no host port yet", e.getMessage());
    }

    @Test
    void of_badName_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DomainXml.of("../x", VmSpec.builder().build(), CONSOLE, List.of()));

        assertEquals("a domain name must be letters, digits, '_', '.' or '-', got ../x", e.getMessage());
    }

    @Test
    void rootBus_knownMachines_nameLibvirtsRootBus() {
        assertEquals("pci.0", DomainXml.rootBus("pc"));
        assertEquals("pci.0", DomainXml.rootBus("pc-i440fx-7.2"));
        assertEquals("pcie.0", DomainXml.rootBus("q35"));
        assertEquals("pcie.0", DomainXml.rootBus("pc-q35-7.2"));
    }

    @Test
    void persistent_onTheDefaultNetwork_hasAPtyConsoleLoggedToAFileAndAVirtioNic() {
        VmSpec spec = VmSpec.builder().machine("q35").memoryMiB(128).cpus(2).rng(true).noReboot(true).userNetwork()
                .drive(Drive.virtio(Path.of("/var/lib/libvirt/images/hello.qcow2"), DiskFormat.QCOW2).withBootIndex(0))
                .build();

        String xml = DomainXml.persistent("hello", spec, "/var/log/libvirt/qemu/hello-console.log",
                java.util.Optional.of("default"));

        assertEquals("""
                <domain type='qemu'>
                  <name>hello</name>
                  <memory unit='MiB'>128</memory>
                  <vcpu>2</vcpu>
                  <os>
                    <type arch='x86_64' machine='q35'>hvm</type>
                  </os>
                  <features>
                    <acpi/>
                  </features>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>destroy</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <controller type='usb' model='none'/>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2' error_policy='report' rerror_policy='report'/>
                      <source file='/var/lib/libvirt/images/hello.qcow2'/>
                      <target dev='vda' bus='virtio'/>
                      <boot order='1'/>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
                    </disk>
                    <interface type='network'>
                      <source network='default'/>
                      <model type='virtio'/>
                      <rom enabled='no'/>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
                    </interface>
                    <serial type='pty'>
                      <log file='/var/log/libvirt/qemu/hello-console.log' append='on'/>
                      <target port='0'/>
                    </serial>
                    <console type='pty'>
                      <target type='serial' port='0'/>
                    </console>
                    <rng model='virtio'>
                      <backend model='random'>/dev/urandom</backend>
                      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
                    </rng>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """, xml);
    }

    @Test
    void persistent_withoutALibvirtNetwork_usesQemusUserNetwork() {
        VmSpec spec = VmSpec.builder().machine("q35").memoryMiB(128).userNetwork(PortForward.tcp(18080, 8080))
                .drive(Drive.virtio(Path.of("/pool/hello.qcow2"), DiskFormat.QCOW2).withBootIndex(0)).build();

        String xml = DomainXml.persistent("hello", spec, "/log/hello-console.log", java.util.Optional.empty());

        assertTrue(xml.contains("<qemu:arg value='user,id=jcapnet0,hostfwd=tcp:127.0.0.1:18080-:8080'/>"), xml);
        assertTrue(xml.contains("<qemu:arg value='virtio-net-pci,netdev=jcapnet0,romfile=,bus=pcie.0,addr=0x3'/>"), xml);
        assertTrue(!xml.contains("<interface"), xml);
    }

    @Test
    void tcgThreadsWarning_onlyForAnEmulatedDomainOfSeveralVcpus() {
        assertEquals(java.util.Optional.of("this libvirt domain emulates its 2 vCPUs in 2 host threads (TCG), where a JIT"
                        + " such as the JVM's can crash now and then; jcap's qemu driver (the default) runs them in one"
                        + " thread, or give the guest one vCPU (-c 1)"),
                DomainXml.tcgThreadsWarning(VmSpec.builder().accelerator(Accelerator.TCG).cpus(2).build()));
        assertEquals(java.util.Optional.empty(), DomainXml.tcgThreadsWarning(VmSpec.builder().accelerator(Accelerator.TCG)
                .cpus(1).build()));
        assertEquals(java.util.Optional.empty(), DomainXml.tcgThreadsWarning(VmSpec.builder().accelerator(Accelerator.KVM)
                .cpus(2).build()));
    }
}
