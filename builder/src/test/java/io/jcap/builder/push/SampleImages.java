package io.jcap.builder.push;

import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A stored image of 128 MiB memory and a 64 MiB disk whose file is {@code file}, for push tests;
 * its recorded SHA-256 is the file's, or zeros when there is no file.
 */
public final class SampleImages {
    private SampleImages() {
    }

    public static StoredImage hello(Path file) {
        Sha256 zero = new Sha256("0".repeat(64));
        return new StoredImage(ImageMetadata.builder("hello").created(Instant.EPOCH).inputsDigest(zero).streamDigest(zero)
                .kernel("linux", zero).cmdline("/hello").fs("ext4")
                .disk(64L << 20, 1L << 20, java.nio.file.Files.isRegularFile(file) ? Sha256.ofUnchecked(file) : zero)
                .accelerator("tcg")
                .runDefaults(128, 1, List.of()).guestProtocol(ImageMetadata.UEFI_GUEST_PROTOCOL).build(), file);
    }
}
