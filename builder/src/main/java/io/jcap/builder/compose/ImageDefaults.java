package io.jcap.builder.compose;

import io.jcap.model.ByteSize;

/** What an image gets when its package file does not say. */
public final class ImageDefaults {
    public static final int MEMORY_MIB = 128;
    public static final int CPUS = 1;
    public static final String KERNEL = "linux";
    /** The smallest disk jcap makes: room for the kernel, the initramfs and a small program. */
    public static final ByteSize MIN_DISK = ByteSize.ofMebibytes(64);
    /** Memory of the builder VM: the guest holds the tools, the page cache and the stream buffers. */
    public static final int BUILDER_MEMORY_MIB = 256;

    private ImageDefaults() {
    }

    /**
     * A disk big enough for {@code contentBytes} of files on ext4 with 4 KiB blocks: a third more
     * for metadata, the journal and slack, rounded up to whole MiB, never below {@link #MIN_DISK}.
     */
    public static long diskBytesFor(long contentBytes) {
        long wanted = contentBytes + contentBytes / 3 + (16L << 20);
        long mib = (wanted + (1 << 20) - 1) >> 20;
        return Math.max(MIN_DISK.bytes(), mib << 20);
    }
}
