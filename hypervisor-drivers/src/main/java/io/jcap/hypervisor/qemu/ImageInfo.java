package io.jcap.hypervisor.qemu;

import java.util.Optional;

/**
 * What {@code qemu-img info} says about an image.
 *
 * @param format QEMU's name of the format ("raw", "qcow2", ...)
 * @param virtualSize the disk size the guest sees, in bytes
 * @param actualSize the bytes the file takes on the host's disk
 * @param backingFile the backing file of an overlay, as written in the overlay
 */
public record ImageInfo(String format, long virtualSize, long actualSize, Optional<String> backingFile) {
    public ImageInfo {
        if (format == null || format.isBlank() || virtualSize < 0 || actualSize < 0 || backingFile == null) {
            throw new IllegalArgumentException("incomplete image info: format " + format + ", virtual size "
                    + virtualSize + ", actual size " + actualSize);
        }
    }
}
