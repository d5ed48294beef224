package io.jcap.hypervisor.libvirt.push;

import io.jcap.hypervisor.libvirt.LibvirtUri;
import java.time.Duration;
import java.util.Objects;

/**
 * A volume an image was uploaded into.
 *
 * @param uri the libvirt host
 * @param pool the storage pool
 * @param volume the volume's name in the pool
 * @param path the volume's path on the libvirt host, as libvirt reports it (what a domain's disk names)
 * @param bytes how many bytes were sent: the qcow2 file's size
 * @param capacity the volume's capacity: the qcow2 image's virtual size
 * @param streamed how long the stream took, from the upload's start to its finish (the volume's
 *     creation and the connection not included)
 */
public record PoolVolume(LibvirtUri uri, String pool, String volume, String path, long bytes, long capacity,
                         Duration streamed) {
    public PoolVolume {
        Objects.requireNonNull(streamed, "streamed");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(path, "path");
    }

    /** {@code pool/volume}, as virsh names it. */
    @Override
    public String toString() {
        return pool + "/" + volume;
    }
}
