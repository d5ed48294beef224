package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.kernels.Initramfs;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPlanTest {
    @TempDir
    Path dir;

    private JcapHome homeWithImage(int guestProtocol) throws Exception {
        JcapHome home = new JcapHome(dir);
        ImageRepository repo = new ImageRepository(home.images());
        Path staging = repo.newStaging();
        byte[] image = {1};
        Files.write(staging.resolve(ImageRepository.IMAGE_FILE), image);
        repo.commit(staging, new ImageMetadata("old", Instant.parse("2026-01-02T03:04:05Z"), Sha256.of(image),
                Sha256.of(image), "linux", Sha256.of(image), "/app/x", "ext4", 64 << 20, 1, Sha256.of(image), "tcg",
                128, 1, List.of(), guestProtocol));
        return home;
    }

    @Test
    void prepare_runSettingsForAnImageWhoseInitCannotReadThem_isRefused() throws Exception {
        JcapHome home = homeWithImage(1);

        JcapException env = assertThrows(JcapException.class, () -> RunPlan.prepare(home,
                RunRequest.of("old").withEnv(Map.of("A", "1")), EventSink.NONE));
        JcapException cmd = assertThrows(JcapException.class, () -> RunPlan.prepare(home,
                RunRequest.of("old").withCmd(Optional.of("/app/x 1")), EventSink.NONE));

        String expected = "image 'old' was built by an older jcap whose guest init cannot take run-time settings"
                + " (-e, --cmd): build it again with jcap build";
        assertEquals(expected, env.getMessage());
        assertEquals(expected, cmd.getMessage());
    }

    @Test
    void prepare_libvirtDaemonThatDoesNotAnswer_isAnEnvironmentProblem() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL);
        LibvirtUri nobody = LibvirtUri.parse("qemu+tcp://127.0.0.1:1/system");

        JcapException e = assertThrows(JcapException.class, () -> RunPlan.prepare(home,
                RunRequest.of("old").withLibvirt(Optional.of(nobody)), EventSink.NONE));

        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("cannot connect to libvirt at qemu+tcp://127.0.0.1:1/system: "),
                e.getMessage());
    }
}
