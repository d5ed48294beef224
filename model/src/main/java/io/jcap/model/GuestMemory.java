package io.jcap.model;

/**
 * A guest's memory: a {@link ByteSize} of whole MiB, at least {@link #MIN_MIB}, that fits QEMU's
 * {@code -m} (an int of MiB). The Capstanfile's {@code memory} and {@code jcap run -m} both read
 * it here, so they accept and refuse the same values with the same words.
 *
 * <pre>{@code
 * GuestMemory.parse("512mb").mebibytes();   // 512
 * GuestMemory.parse("1 GiB").size();        // ByteSize 1G
 * }</pre>
 */
public record GuestMemory(int mebibytes) {
    /** The least memory jcap starts a guest with: less does not boot its kernels. */
    public static final int MIN_MIB = 32;

    public GuestMemory {
        if (mebibytes < MIN_MIB) {
            throw new IllegalArgumentException(mebibytes + "M is too little memory: give at least " + MIN_MIB + "M");
        }
    }

    /**
     * Parses a size ({@link ByteSize#parse}) and checks it is memory a guest can have.
     *
     * @throws IllegalArgumentException naming the text and the rule it breaks
     */
    public static GuestMemory parse(String text) {
        ByteSize size = ByteSize.parse(text);
        if (size.bytes() % (1 << 20) != 0) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of MiB (use M or G: 256M, 1G)");
        }
        if (size.mebibytes() < MIN_MIB) {
            throw new IllegalArgumentException("'" + text + "' is too little memory: give at least " + MIN_MIB + "M");
        }
        if (size.mebibytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too much memory");
        }
        return new GuestMemory((int) size.mebibytes());
    }

    public ByteSize size() {
        return ByteSize.ofMebibytes(mebibytes);
    }
}
