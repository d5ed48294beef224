package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.RunPlan;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.EventSink;
import io.jcap.model.PortMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Foreground and detached runs of an OSv image (a ROFS image over the synthetic loader, built on
 * the host without a VM) boot what the OSv family plans, with the run's settings: no VM is started.
 */
class OsvRunPlansTest {
    private static final String IMAGE_CMDLINE = "--rootfs=rofs --env=LANG=C /app/hello";

    @TempDir
    Path temp;

    private JcapHome home;

    @BeforeEach
    void buildImage() throws Exception {
        TestMachine.qemu();
        home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("hello"), "#!/bin/hello\n");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /app/hello\nfiles:\n"
                + "  /app/hello: hello\nenv:\n  LANG: C\nports:\n  - 18080:80\nmemory: 128M\n");
        new ImageBuilder(home, EventSink.NONE).build(new BuildRequest(project, Optional.of("app"), Optional.empty(),
                false));
    }

    /** {@code jcap run -d -p 18081:8081 -m 256M -c 2 -e GREETING=hi app}. */
    private static RunRequest withSettings() {
        return RunRequest.of("app").withAccelerator(Optional.of(Accelerator.TCG))
                .withPorts(List.of(PortMapping.parse("18081:8081"))).withMemoryMiB(OptionalInt.of(256))
                .withCpus(OptionalInt.of(2)).withEnv(Map.of("GREETING", "hi"));
    }

    private void assertOsvMachineWithSettings(RunPlan plan) throws Exception {
        VmSpec spec = plan.materialize(Files.createDirectories(temp.resolve("run")));

        // The synthetic loader holds no kernel jcap can take out, so the image boots from its disk.
        assertEquals("OSv, tcg, disk boot", plan.description());
        assertEquals("pc", spec.machine());
        assertEquals(256, spec.memoryMiB());
        assertEquals(2, spec.cpus());
        assertEquals(List.of(PortForward.tcp(18080, 80), PortForward.tcp(18081, 8081)), spec.portForwards());
        assertEquals(List.of(), spec.firmwareFiles());
        assertEquals(Optional.empty(), spec.kernel());
        assertEquals(Optional.empty(), spec.append());
        assertEquals(1, spec.drives().size());
        // An overlay carrying its own first cluster with the run's line; no copy of the disk.
        assertEquals(DiskFormat.QCOW2, spec.drives().get(0).format());
        assertEquals(OptionalInt.of(0), spec.drives().get(0).bootIndex());
        assertEquals(IMAGE_CMDLINE.replace("/app", "--env=GREETING=hi /app"),
                OsvDisk.readCmdline(raw(spec.drives().get(0).file(), "run.raw")));
        // The stored image keeps its own command line: the run changed only its copy.
        assertEquals(IMAGE_CMDLINE, OsvDisk.readCmdline(rawOfStoredImage(plan)));
    }

    private Path rawOfStoredImage(RunPlan plan) throws Exception {
        return raw(plan.image().file(), "stored.raw");
    }

    private Path raw(Path qcow2, String name) throws Exception {
        Path raw = temp.resolve(name);
        new QemuImg(TestMachine.qemu().qemuImg()).convert(qcow2, DiskFormat.QCOW2, raw, DiskFormat.RAW, false);
        return raw;
    }

    @Test
    void detachedRun_ofAnOsvImage_bootsOsvsMachineWithTheRunsPortsMemoryCpusAndEnvironment() throws Exception {
        assertOsvMachineWithSettings(new Instances(home, EventSink.NONE).plan(withSettings()));
    }

    @Test
    void foregroundRun_ofAnOsvImage_bootsOsvsMachineWithTheRunsPortsMemoryCpusAndEnvironment() throws Exception {
        assertOsvMachineWithSettings(new ImageRunner(home, EventSink.NONE).plan(withSettings()));
    }

    @Test
    void run_ofAnOsvImageWithoutSettings_bootsAnOverlayWithTheImagesDefaults() throws Exception {
        RunPlan plan = new Instances(home, EventSink.NONE)
                .plan(RunRequest.of("app").withAccelerator(Optional.of(Accelerator.TCG)));

        VmSpec spec = plan.materialize(Files.createDirectories(temp.resolve("run")));

        assertEquals(128, spec.memoryMiB());
        assertEquals(1, spec.cpus());
        assertEquals(List.of(PortForward.tcp(18080, 80)), spec.portForwards());
        assertEquals(DiskFormat.QCOW2, spec.drives().get(0).format());
        assertTrue(spec.drives().get(0).file().endsWith("overlay.qcow2"), spec.drives().get(0).file().toString());
    }
}
