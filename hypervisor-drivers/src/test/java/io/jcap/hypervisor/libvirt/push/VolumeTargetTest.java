package io.jcap.hypervisor.libvirt.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VolumeTargetTest {
    private static final PoolVolume VOLUME = new PoolVolume(LibvirtUri.SYSTEM, "default", "hello.qcow2",
            "/var/lib/libvirt/images/hello.qcow2", 1000, 64 << 20, java.time.Duration.ZERO);

    @Test
    void named_goesToTheDefaultPool_withoutReplacing() {
        VolumeTarget target = VolumeTarget.named("hello.qcow2");

        assertEquals(new VolumeTarget("default", "hello.qcow2", false), target);
        assertEquals(new VolumeTarget("images", "hello.qcow2", true), target.inPool("images").replacing());
        assertEquals("default/hello.qcow2", target.toString());
    }

    @Test
    void volumeNameWithASlash_isRefusedSayingWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VolumeTarget.named("../etc/passwd"));

        assertEquals("'../etc/passwd' is not a volume name: use letters, digits, '_', '.', '+' or '-', starting with a"
                + " letter or digit (no '/')", e.getMessage());
    }

    @Test
    void onVolume_replacesTheDrivesByTheVolumeBootingFirst_andKeepsTheMachine() throws Exception {
        VmSpec run = VmSpec.builder().machine("q35").memoryMiB(256).cpus(2).rng(true).userNetwork()
                .drive(Drive.virtio(Path.of("/home/me/.jcap/images/hello/image.qcow2"), DiskFormat.QCOW2).asSnapshot()
                        .withBootIndex(0)).build();

        VmSpec defined = PersistentDomains.onVolume(run, VOLUME);

        assertEquals(List.of(Drive.virtio(Path.of("/var/lib/libvirt/images/hello.qcow2"), DiskFormat.QCOW2)
                .withBootIndex(0)), defined.drives());
        assertEquals("q35", defined.machine());
        assertEquals(256, defined.memoryMiB());
        assertEquals(2, defined.cpus());
    }

    @Test
    void onVolume_aDirectBootOrAPickedHostPort_isRefused() {
        VmSpec direct = VmSpec.builder().kernel(Path.of("/home/me/vmlinuz")).build();
        VmSpec picked = VmSpec.builder().userNetwork(PortForward.tcp(0, 8080)).build();

        assertEquals("a domain defined on a libvirt host boots its volume alone, but the spec has a kernel, an initrd or"
                + " fw_cfg files of this machine: plan the image for a disk boot",
                assertThrows(JcapException.class, () -> PersistentDomains.onVolume(direct, VOLUME)).getMessage());
        assertEquals("a defined domain forwards fixed host ports only, but guest port 8080 has host port 0: give it a"
                + " host port, or leave it out",
                assertThrows(JcapException.class, () -> PersistentDomains.onVolume(picked, VOLUME)).getMessage());
    }
}
