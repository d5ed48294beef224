package io.jcap.builder;

import static io.jcap.builder.CapstanPackageSamples.HELLO_CMDLINE;
import static io.jcap.builder.CapstanPackageSamples.SHOUT_CMDLINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.RunPlan;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of an image built from a Capstan package pick a named configuration: the run's disk holds
 * that configuration's command line at byte 512, with the run's own -e and --cmd on top. No VM
 * is started.
 */
class CapstanPackageRunPlansTest {
    @TempDir
    Path temp;
    private JcapHome home;

    @BeforeEach
    void buildImages() throws Exception {
        TestMachine.qemu();
        home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        ImageBuilder builder = new ImageBuilder(home, EventSink.NONE);
        builder.build(BuildRequest.of(CapstanPackageSamples.write(temp.resolve("pkg"))));
        Path plain = Files.createDirectories(temp.resolve("plain"));
        Files.writeString(plain.resolve("hello"), "#!/bin/hello\n");
        Files.writeString(plain.resolve("Capstanfile"), "kernel: osv\ncmdline: /hello\nfiles:\n  /hello: hello\n");
        builder.build(BuildRequest.of(plain));
    }

    private static RunRequest run(String image) {
        return RunRequest.of(image).withAccelerator(Optional.of(Accelerator.TCG));
    }

    /**
     * The command line at byte 512 of the disk the run's guest sees, whatever the plan made of it
     * (a private raw copy, or an overlay over the stored image).
     */
    private String cmdlineOfTheRunsDisk(RunPlan plan) throws Exception {
        Path dir = Files.createTempDirectory(temp, "run");
        Drive disk = plan.materialize(dir).drives().get(0);
        Path raw = disk.file();
        if (disk.format() != DiskFormat.RAW) {
            raw = dir.resolve("seen.raw");
            new QemuImg(TestMachine.qemu().qemuImg()).convert(disk.file(), disk.format(), raw, DiskFormat.RAW, false);
        }
        return OsvDisk.readCmdline(raw);
    }

    @Test
    void foregroundRun_withConfigSet_bootsThatConfigurationsCommandLine() throws Exception {
        RunPlan plan = new ImageRunner(home, EventSink.NONE).plan(run("pkg").withConfigSet(Optional.of("shout")));

        assertEquals(SHOUT_CMDLINE, cmdlineOfTheRunsDisk(plan));
    }

    @Test
    void detachedRun_withConfigSetAndSettings_appliesTheRunsEnvironmentAndCommandOnTop() throws Exception {
        RunPlan plan = new Instances(home, EventSink.NONE).plan(run("pkg").withConfigSet(Optional.of("shout"))
                .withEnv(Map.of("LOUD", "2", "EXTRA", "x")).withCmd(Optional.of("/hello --whisper")));

        assertEquals("--rootfs=rofs --env=GREETING=HELLO --env=EXTRA=x --env=LOUD=2 /hello --whisper",
                cmdlineOfTheRunsDisk(plan));
    }

    @Test
    void run_withTheDefaultsName_bootsTheImagesOwnCommandLine() throws Exception {
        RunPlan plan = new ImageRunner(home, EventSink.NONE).plan(run("pkg").withConfigSet(Optional.of("hello")));

        assertEquals(HELLO_CMDLINE, cmdlineOfTheRunsDisk(plan));
    }

    @Test
    void run_unknownConfigSet_listsTheImagesConfigurations() {
        JcapException e = assertThrows(JcapException.class,
                () -> new ImageRunner(home, EventSink.NONE).plan(run("pkg").withConfigSet(Optional.of("whisper"))));

        assertEquals("image 'pkg' has no configuration 'whisper': use hello, shout (the default is hello)",
                e.getMessage());
    }

    @Test
    void run_configSetOfAnImageWithout_saysOnlyPackageImagesHaveThem() {
        JcapException e = assertThrows(JcapException.class,
                () -> new Instances(home, EventSink.NONE).plan(run("plain").withConfigSet(Optional.of("shout"))));

        assertEquals("image 'plain' has no named configurations, so it cannot run configuration 'shout': only images"
                + " built from a Capstan package (meta/run.yaml) have them", e.getMessage());
    }
}
