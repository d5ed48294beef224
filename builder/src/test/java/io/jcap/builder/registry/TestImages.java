package io.jcap.builder.registry;

import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.host.HostTool;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Images stored in a test's own repository the way a build stores them: a real qcow2 made by
 * {@code qemu-img}, the record, and a {@code boot/} folder (a kernel shared between images, an
 * initramfs of the image's own).
 */
final class TestImages {
    private TestImages() {
    }

    /** Stores image {@code name} with {@code kernel} as its boot kernel and {@code seed}'s bytes as its initramfs and disk data. */
    static ImageRepository.StoredImage store(ImageRepository repo, String name, byte[] kernel, long seed)
            throws IOException, JcapException {
        return store(repo, name, kernel, seed, null);
    }

    /** As {@link #store}, the qcow2 naming {@code backingFile} when not null. */
    static ImageRepository.StoredImage store(ImageRepository repo, String name, byte[] kernel, long seed, Path backingFile)
            throws IOException, JcapException {
        Path staging = repo.newStaging();
        Path disk = staging.resolve(ImageRepository.IMAGE_FILE);
        List<String> create = backingFile == null
                ? List.of("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "8M")
                : List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", backingFile.toString(), disk.toString());
        HostTool.Result made = HostTool.run(create, Duration.ofSeconds(60));
        if (made.exitCode() != 0) {
            throw new IOException("qemu-img create failed: " + made.stderr());
        }
        byte[] data = new byte[300_000];
        new Random(seed).nextBytes(data);
        if (backingFile == null) {
            HostTool.Result written = HostTool.run(List.of("qemu-io", "-f", "qcow2", "-c",
                    "write -P " + (seed & 0xff) + " 0 64k", disk.toString()),
                    Duration.ofSeconds(60));
            if (written.exitCode() != 0) {
                throw new IOException("qemu-io failed: " + written.stderr());
            }
        }
        Path boot = Files.createDirectories(staging.resolve("boot"));
        Files.write(boot.resolve("vmlinuz"), kernel);
        Files.write(boot.resolve("initrd.img"), data);
        Files.writeString(boot.resolve("append"), "console=ttyS0 jcap.mode=run jcap.test=" + name + "\n");
        ImageMetadata metadata = ImageMetadata.builder(name).created(Instant.parse("2026-12-01T10:00:00Z"))
                .inputsDigest(Sha256.of(data)).kernel("linux", Sha256.of(kernel)).cmdline("/app/" + name).fs("ext4")
                .disk(8 << 20, Files.size(disk), Sha256.of(disk)).runDefaults(128, 1, List.of()).guestProtocol(3).build();
        return repo.commit(staging, metadata);
    }

    /** A kernel's bytes: random, {@code size} long. */
    static byte[] kernel(long seed, int size) {
        byte[] k = new byte[size];
        new Random(seed).nextBytes(k);
        return k;
    }
}
