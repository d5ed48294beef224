package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.ImageBuilder;
import io.jcap.builder.OsvSamples;
import io.jcap.builder.TestMachine;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.VmException;
import io.jcap.kernels.KernelDraft;
import io.jcap.kernels.KernelKind;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fs: zfs} through {@link ImageBuilder} up to the builder VM, with a "builder kernel" QEMU cannot boot. */
class OsvZfsBuildIT {
    @TempDir
    Path temp;

    @Test
    void build_zfsWithABuilderQemuCannotBoot_failsWithQemusErrorAndLeavesNothing() throws Exception {
        TestMachine.qemu();
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        // The store takes what it is given: an ordinary program stands in for OSv's zfs_builder.elf.
        new KernelStore(home.kernels()).add(new KernelDraft("osv-zfs-builder", KernelKind.OSV_ZFS_BUILDER, "unknown",
                "custom", "test", Path.of("/bin/true"), List.of()));
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("hello"), "hello");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\nfs: zfs\ncmdline: /hello\nfiles:\n  /hello: hello\n");
        VmException e = assertThrows(VmException.class, () -> new ImageBuilder(home, EventSink.NONE)
                .build(new BuildRequest(project, Optional.of("app"), Optional.of(Accelerator.TCG), false)));
        assertTrue(e.summary().startsWith("QEMU exited with code 1 while starting"), e.getMessage());
        assertTrue(e.vmExitCode().isPresent());
        assertFalse(Files.exists(home.images().resolve("app")));
        try (var left = Files.list(home.tmp())) {
            assertEquals(List.of(), left.toList());
        }
    }
}
