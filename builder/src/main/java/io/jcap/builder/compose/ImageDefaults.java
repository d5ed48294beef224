package io.jcap.builder.compose;

import io.jcap.kernels.KernelStore;
import io.jcap.model.ByteSize;
import io.jcap.model.JcapException;

/** What an image gets when its package file does not say. */
public final class ImageDefaults {
    public static final int MEMORY_MIB = 128;
    public static final int CPUS = 1;
    public static final String KERNEL = "linux";
    /** The environment variable that names another default kernel for Linux images, such as {@code linux-mini}. */
    public static final String KERNEL_VARIABLE = "JCAP_KERNEL";
    /** The smallest disk jcap makes: room for the kernel, the initramfs and a small program. */
    public static final ByteSize MIN_DISK = ByteSize.ofMebibytes(64);
    /** Memory of the builder VM: the guest holds the tools, the page cache and the stream buffers. */
    public static final int BUILDER_MEMORY_MIB = 256;

    private ImageDefaults() {
    }

    /**
     * The kernel of a Linux image whose Capstanfile names none: {@value #KERNEL_VARIABLE}'s value
     * when it is set and not blank, otherwise {@value #KERNEL}.
     */
    public static String kernel() throws JcapException {
        return kernel(System.getenv(KERNEL_VARIABLE));
    }

    static String kernel(String variable) throws JcapException {
        if (variable == null || variable.isBlank()) {
            return KERNEL;
        }
        try {
            KernelStore.requireName(variable.strip());
        } catch (JcapException e) {
            throw new JcapException(KERNEL_VARIABLE + ": " + e.getMessage(), e);
        }
        return variable.strip();
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
