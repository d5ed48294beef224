package io.jcap.formats.qcow2;

/**
 * A range of a disk as the guest sees it, in bytes.
 *
 * @param offset where it starts
 * @param length how many bytes, at least one
 */
public record Extent(long offset, long length) {
    public Extent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("an extent starts at 0 or later and holds at least one byte: "
                    + offset + "+" + length);
        }
    }

    /** The first byte after it. */
    public long end() {
        return offset + length;
    }
}
