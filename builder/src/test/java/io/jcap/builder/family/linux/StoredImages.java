package io.jcap.builder.family.linux;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Stored Linux images for run-plan tests, without a build. */
final class StoredImages {
    private StoredImages() {
    }

    /**
     * A home in {@code dir} with image 'old' of {@code kernel}: a 1 MiB raw disk (enough for an
     * overlay) and, if asked, direct-boot files.
     */
    static JcapHome homeWithImage(Path dir, int guestProtocol, boolean directBoot, String kernel) throws Exception {
        JcapHome home = new JcapHome(dir);
        ImageRepository repo = new ImageRepository(home.images());
        Path staging = repo.newStaging();
        byte[] image = new byte[1 << 20];
        Files.write(staging.resolve(ImageRepository.IMAGE_FILE), image);
        if (directBoot) {
            Path vmlinuz = Files.write(dir.resolve("vmlinuz"), new byte[] {'k'});
            DirectBoot.stage(staging, vmlinuz, Sha256.of(vmlinuz), new byte[] {'i'}, "console=ttyS0 jcap.mode=run");
        }
        repo.commit(staging, ImageMetadata.builder("old").created(Instant.parse("2026-01-02T03:04:05Z"))
                .inputsDigest(Sha256.of(image)).streamDigest(Sha256.of(image)).kernel(kernel, Sha256.of(image))
                .cmdline("/app/x").fs("ext4").disk(64 << 20, image.length, Sha256.of(image)).accelerator("tcg")
                .runDefaults(128, 1, List.of()).guestProtocol(guestProtocol).build());
        return home;
    }
}
