package io.jcap.formats.iso9660;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A flat ISO 9660 volume: a label and the files of its root folder, by name. The format's own
 * limits are checked here: a label of at most 32 printable ASCII characters, names of 1 to 64
 * characters without {@code /}, {@code \}, {@code ;} or control characters, a root folder that fits
 * one sector, and files of at most {@link #MAX_FILE} bytes (what a cloud-init seed needs).
 *
 * <pre>{@code
 * IsoVolume seed = new IsoVolume("cidata", Map.of("user-data", userData, "meta-data", metaData));
 * byte[] iso = IsoWriter.write(seed);
 * IsoVolume back = IsoReader.read(iso);
 * }</pre>
 *
 * @param label the volume identifier (a NoCloud seed's is {@code cidata})
 * @param files the root folder's files, sorted by name; the arrays are not copied
 */
public record IsoVolume(String label, SortedMap<String, byte[]> files) {
    /** The largest file the volume takes: 16 MiB. */
    public static final int MAX_FILE = 16 << 20;
    /** The most files: the root folder's records must fit one 2048-byte sector in both name forms. */
    public static final int MAX_FILES = 16;
    private static final Pattern LABEL = Pattern.compile("[\\x20-\\x7e]{1,32}");
    private static final Pattern NAME = Pattern.compile("[^/\\\\;\\x00-\\x1f\\x7f]{1,64}");

    public IsoVolume {
        Objects.requireNonNull(label, "label");
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("ISO 9660 label '" + label
                    + "' must have 1 to 32 printable ASCII characters");
        }
        if (files.size() > MAX_FILES) {
            throw new IllegalArgumentException("an ISO 9660 seed holds at most " + MAX_FILES + " files, not "
                    + files.size());
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("file name '" + e.getKey() + "' is not allowed in the volume: use"
                        + " 1 to 64 characters without / \\ ; or control characters");
            }
            if (e.getValue().length > MAX_FILE) {
                throw new IllegalArgumentException("file '" + e.getKey() + "' has " + e.getValue().length
                        + " bytes; the volume takes at most " + MAX_FILE);
            }
        }
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    public IsoVolume(String label, Map<String, byte[]> files) {
        this(label, new TreeMap<>(files));
    }
}
