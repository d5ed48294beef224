package io.jcap.builder;

import io.jcap.hypervisor.qemu.Accelerator;
import java.util.Objects;
import java.util.Optional;

/**
 * What to run.
 *
 * @param image the image name
 * @param accelerator empty to probe (KVM only when it really works)
 * @param showBoot pass the whole console on, boot messages included, not only the application's
 */
public record RunRequest(String image, Optional<Accelerator> accelerator, boolean showBoot) {
    public RunRequest {
        Objects.requireNonNull(image, "image");
    }

    public static RunRequest of(String image) {
        return new RunRequest(image, Optional.empty(), false);
    }
}
