package io.jcap.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes: a disk size, a memory size. Units are binary, as QEMU's {@code -m} and the
 * JVM's {@code -Xmx} read them: {@code K} is 1024 bytes, {@code M} 1024 K, {@code G} 1024 M,
 * {@code T} 1024 G. The unit may be written in either case and followed by {@code B} or
 * {@code iB} (also in either case), after an optional space: {@code 128m}, {@code 512MB},
 * {@code 512MiB}, {@code 1 G} and {@code 2gb} are all accepted, and all mean 1024-based units
 * ({@code MB} is not 10^6 here, as in QEMU and Capstan). A number without a unit is refused: a
 * bare {@code 512} is 512 MiB to QEMU but 512 bytes to the JVM.
 *
 * <pre>{@code
 * ByteSize disk = ByteSize.parse("512M");   // 536870912 bytes
 * ByteSize.parse("512 MiB").equals(disk);   // true
 * disk.toString();                          // "512M"
 * ByteSize.ofMebibytes(1024).toString();    // "1G"
 * }</pre>
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    /**
     * The syntax, written so that Java and the JSON Schema's ECMA-262 regular expressions read it
     * alike: {@code capstanfile.schema.json} uses exactly this text between {@code ^} and {@code $}.
     */
    public static final String SYNTAX = "([1-9][0-9]*) ?([KkMmGgTt])(?:[Ii]?[Bb])?";

    /** What a size looks like, for messages: the JSON Schema's {@code x-expected} says the same. */
    public static final String EXPECTED =
            "a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), in either case,"
                    + " with an optional B or iB (128m, 512MiB, 1 G, 2gb)";

    private static final Pattern PATTERN = Pattern.compile(SYNTAX);
    private static final String UNITS = "KMGT";

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    /**
     * Parses a number with a unit: {@code 512M}, {@code 128m}, {@code 1G}, {@code 64MiB},
     * {@code 2048KB}, {@code 1 G}, {@code 2gb}, {@code 1T}.
     *
     * @throws IllegalArgumentException naming the text and the accepted form
     */
    public static ByteSize parse(String text) {
        Matcher m = PATTERN.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not " + EXPECTED);
        }
        int shift = 10 * (UNITS.indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1);
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

    /**
     * {@code bytes} as jcap shows sizes everywhere: binary units with one decimal ({@code 512 B},
     * {@code 14.2 MiB}); rates stay decimal ({@code MB/s}).
     */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /**
     * The size as a HotSpot option value ({@code -Xmx} + this): the largest of K, M and G that
     * divides it exactly, plain bytes otherwise. The JVM reads binary units in one letter and
     * refuses {@code MB} or {@code MiB}, so {@code xmx: 512MiB} becomes {@code -Xmx512M}.
     */
    public String jvmValue() {
        return spelled(3);
    }

    /** The largest unit that divides the size exactly ({@code 1G}, {@code 1536M}); plain bytes otherwise. */
    @Override
    public String toString() {
        return spelled(UNITS.length());
    }

    private String spelled(int largestUnit) {
        if (bytes == 0) {
            return "0";
        }
        for (int unit = largestUnit; unit > 0; unit--) {
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
