package io.jcap.builder;

import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the image repository records beside an image file.
 *
 * @param inputsDigest digest of everything the image was built from (package file, files, kernel,
 *     settings): an unchanged digest lets a rebuild reuse the image
 * @param streamDigest SHA-256 of the cpio stream sent into the builder guest
 * @param cmdline the command line the image runs
 * @param memoryMiB memory the image runs with unless told otherwise
 * @param cpus virtual CPUs the image runs with unless told otherwise
 * @param ports ports the image publishes unless told otherwise (the Capstanfile's {@code ports})
 * @param guestProtocol the version of the guest protocol its init speaks (1 for images recorded
 *     before the version was; 2 takes run-time settings)
 */
public record ImageMetadata(
        String name,
        Instant created,
        Sha256 inputsDigest,
        Sha256 streamDigest,
        String kernel,
        Sha256 kernelSha256,
        String cmdline,
        String fs,
        long virtualSize,
        long diskSize,
        Sha256 imageSha256,
        String accelerator,
        int memoryMiB,
        int cpus,
        List<PortMapping> ports,
        int guestProtocol) {

    public ImageMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(inputsDigest, "inputsDigest");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(imageSha256, "imageSha256");
        ports = List.copyOf(ports);
    }

    /** The same metadata under another name (an image stored again under a new name). */
    public ImageMetadata withName(String newName) {
        return new ImageMetadata(newName, created, inputsDigest, streamDigest, kernel, kernelSha256, cmdline, fs,
                virtualSize, diskSize, imageSha256, accelerator, memoryMiB, cpus, ports, guestProtocol);
    }
}
