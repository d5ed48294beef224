package io.jcap.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes: a disk size, a memory size. Units are binary: {@code K} is 1024 bytes,
 * {@code M} 1024 K, {@code G} 1024 M; {@code MiB} and {@code MB} mean the same as {@code M}, as in
 * QEMU and Capstan.
 *
 * <pre>{@code
 * ByteSize disk = ByteSize.parse("512M");   // 536870912 bytes
 * disk.toString();                          // "512M"
 * ByteSize.ofMebibytes(1024).toString();    // "1G"
 * }</pre>
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    private static final Pattern SYNTAX = Pattern.compile("([1-9][0-9]*)([KMG])(i?B)?");
    private static final String UNITS = "KMG";

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    /**
     * Parses a number with a unit: {@code 512M}, {@code 1G}, {@code 64MiB}, {@code 2048KB}.
     *
     * @throws IllegalArgumentException naming the text and the accepted form
     */
    public static ByteSize parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use a number with K, M or G (512M, 1G)");
        }
        int shift = 10 * (UNITS.indexOf(m.group(2)) + 1);
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return new ByteSize(number << shift);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofMebibytes(long mebibytes) {
        return new ByteSize(Math.multiplyExact(mebibytes, 1L << 20));
    }

    /** Whole mebibytes, rounded down (QEMU's {@code -m} takes mebibytes). */
    public long mebibytes() {
        return bytes >> 20;
    }

    /** The largest unit that divides the size exactly ({@code 1G}, {@code 1536M}); plain bytes otherwise. */
    @Override
    public String toString() {
        if (bytes == 0) {
            return "0";
        }
        for (int unit = UNITS.length(); unit > 0; unit--) {
            long divisor = 1L << (10 * unit);
            if (bytes % divisor == 0) {
                return (bytes / divisor) + UNITS.substring(unit - 1, unit);
            }
        }
        return Long.toString(bytes);
    }

    @Override
    public int compareTo(ByteSize other) {
        return Long.compare(bytes, other.bytes);
    }
}
