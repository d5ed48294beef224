package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvRunPlanTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path temp;

    private static ImageRepository.StoredImage image() {
        ImageMetadata m = ImageMetadata.builder("app").created(Instant.EPOCH).inputsDigest(Sha256.of(new byte[0]))
                .kernel("osv", null).cmdline("--rootfs=rofs /hello").fs("rofs")
                .disk(3 * MIB, MIB, Sha256.of(new byte[1]))
                .runDefaults(256, 2, List.of(PortMapping.parse("8080:80"), PortMapping.parse("53/udp"))).build();
        return new ImageRepository.StoredImage(m, Path.of("/tmp/app/image.qcow2"));
    }

    @Test
    void spec_bootsTheDiskWithVirtioNetRngAndLoopbackForwards() {
        OsvRunPlan plan = new OsvRunPlan(image(), null, Accelerator.TCG, 256, 2,
                List.of(PortForward.tcp(8080, 80), new PortForward("127.0.0.1", 53, 53, PortForward.Protocol.UDP)),
                Optional.empty());

        VmSpec spec = plan.spec(Drive.virtio(Path.of("/tmp/overlay.qcow2"), DiskFormat.QCOW2));

        assertEquals(256, spec.memoryMiB());
        assertEquals(2, spec.cpus());
        assertEquals(0, spec.drives().get(0).bootIndex().getAsInt());
        assertEquals(true, spec.rng());
        assertEquals(true, spec.userNetwork());
        assertEquals(true, spec.noReboot());
        assertEquals(Optional.empty(), spec.kernel());
        assertEquals(List.of(new PortForward("127.0.0.1", 8080, 80, PortForward.Protocol.TCP),
                new PortForward("127.0.0.1", 53, 53, PortForward.Protocol.UDP)), spec.portForwards());
    }

    @Test
    void prepare_directBoot_isRefusedForAnOsvImage() {
        JcapException e = assertThrows(JcapException.class, () -> OsvRunPlan.prepare(new JcapHome(temp), image(),
                RunRequest.of("app").withBoot(Optional.of(BootMode.DIRECT)), EventSink.NONE));

        assertEquals("--boot direct applies to Linux images: OSv image 'app' boots its disk (OSv's loader is on it)",
                e.getMessage());
    }

    @Test
    void prepare_libvirt_isAnEnvironmentProblem() {
        JcapException e = assertThrows(JcapException.class, () -> OsvRunPlan.prepare(new JcapHome(temp), image(),
                RunRequest.of("app").withLibvirt(Optional.of(LibvirtUri.SYSTEM)), EventSink.NONE));

        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
    }

    @Test
    void instanceConsole_guestThatPoweredOffByItself_exitedZeroUnlessOsvReportedAFailureOrJcapStoppedIt()
            throws Exception {
        Path quiet = Files.writeString(temp.resolve("quiet.log"), "OSv v0.57\nhello\n");
        Path failed = Files.writeString(temp.resolve("failed.log"), "OSv v0.57\nFailed to load object: /hello\n");

        assertEquals(InstanceStatus.exited(0), OsvConsole.INSTANCES.ended(quiet, false));
        assertEquals(InstanceStatus.ended(InstanceStatus.Ending.ERROR), OsvConsole.INSTANCES.ended(failed, false));
        assertEquals(InstanceStatus.ended(InstanceStatus.Ending.STOPPED), OsvConsole.INSTANCES.ended(quiet, true));
    }
}
