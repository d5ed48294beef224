package io.jcap.hypervisor.libvirt.push;

/**
 * Where an image goes in a libvirt host's storage: a pool, a volume name in it, and whether an
 * existing volume of that name may be replaced.
 *
 * <pre>{@code
 * VolumeTarget.named("hello.qcow2");                        // pool "default", never replaces
 * new VolumeTarget("images", "hello.qcow2", true);          // replaces images/hello.qcow2
 * }</pre>
 *
 * @param pool the storage pool's name on the host
 * @param volume the volume's name in the pool (a dir pool makes it the file's name)
 * @param replace whether an existing volume of that name is deleted first; without it, it is an error
 */
public record VolumeTarget(String pool, String volume, boolean replace) {
    /** The pool an image goes to unless the user names one. */
    public static final String DEFAULT_POOL = "default";

    public VolumeTarget {
        if (pool == null || !pool.matches("[A-Za-z0-9][A-Za-z0-9_.+-]*")) {
            throw new IllegalArgumentException("'" + pool + "' is not a storage pool name: use letters, digits,"
                    + " '_', '.', '+' or '-', starting with a letter or digit");
        }
        if (volume == null || !volume.matches("[A-Za-z0-9][A-Za-z0-9_.+-]*")) {
            throw new IllegalArgumentException("'" + volume + "' is not a volume name: use letters, digits,"
                    + " '_', '.', '+' or '-', starting with a letter or digit (no '/')");
        }
    }

    /** {@code volume} in the pool {@value #DEFAULT_POOL}, not replacing an existing one. */
    public static VolumeTarget named(String volume) {
        return new VolumeTarget(DEFAULT_POOL, volume, false);
    }

    public VolumeTarget inPool(String otherPool) {
        return new VolumeTarget(otherPool, volume, replace);
    }

    public VolumeTarget replacing() {
        return new VolumeTarget(pool, volume, true);
    }

    /** {@code pool/volume}, as messages name it. */
    @Override
    public String toString() {
        return pool + "/" + volume;
    }
}
