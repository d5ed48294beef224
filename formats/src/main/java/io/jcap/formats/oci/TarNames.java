package io.jcap.formats.oci;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Watches a tar stream on its way to Commons Compress's reader and keeps each entry's name and
 * link name as the bytes the archive holds. The reader decodes names as UTF-8 and puts {@code ?}
 * (a ustar or GNU name) or U+FFFD (a pax name) in place of bytes that are not, so two files whose
 * names differ in such bytes (Latin-1 {@code caf\xE9} and {@code caf\xE8}) would become one
 * silently; with the bytes at hand, {@link LayerStack} refuses such a name instead.
 *
 * <p>It follows the archive's framing only (512-byte headers, each entry's data and padding; pax
 * {@code x}/{@code g} records and GNU {@code L}/{@code K} long names before an entry), one entry
 * per header of another type, in the order the reader returns them. A header whose checksum is
 * wrong ends the watch: {@link #next} is then empty, and the reader's own error stands.
 */
final class TarNames extends FilterInputStream {
    /** An entry's name and link name as the archive holds them (a pax or GNU long one first). */
    record Raw(byte[] name, byte[] link) {
    }

    private static final int BLOCK = 512;
    /** The most bytes of pax records or a GNU long name kept for one entry. */
    private static final int META_MAX = 1 << 20;

    private final ArrayDeque<Raw> entries = new ArrayDeque<>();
    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    private long dataLeft;
    private long padLeft;
    private ByteArrayOutputStream meta;
    private char metaType;
    private byte[] paxPath;
    private byte[] paxLink;
    private long paxSize = -1;
    private byte[] longName;
    private byte[] longLink;
    private boolean stopped;
    /** An old GNU sparse entry's data, which waits for its sparse extension blocks; else -1. */
    private long sparseData = -1;

    TarNames(InputStream in) {
        super(in);
    }

    /** The next entry's raw names, or empty when the watch stopped (or is behind the reader). */
    Optional<Raw> next() {
        return stopped ? Optional.empty() : Optional.ofNullable(entries.poll());
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            watch(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            watch(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must be seen too: read them.
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        long done = 0;
        while (done < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    private void watch(byte[] b, int off, int len) {
        int at = off;
        int end = off + len;
        while (at < end && !stopped) {
            if (dataLeft > 0) {
                int n = (int) Math.min(dataLeft, end - at);
                if (meta != null) {
                    meta.write(b, at, n);
                }
                dataLeft -= n;
                at += n;
                if (dataLeft == 0 && meta != null) {
                    metaDone();
                }
            } else if (padLeft > 0) {
                int n = (int) Math.min(padLeft, end - at);
                padLeft -= n;
                at += n;
            } else {
                int n = Math.min(BLOCK - headerFill, end - at);
                System.arraycopy(b, at, header, headerFill, n);
                headerFill += n;
                at += n;
                if (headerFill == BLOCK) {
                    headerFill = 0;
                    if (sparseData >= 0) {
                        sparseExtension();
                    } else {
                        header();
                    }
                }
            }
        }
    }

    private void header() {
        if (allZero(header)) {
            stopped = true; // the end of the archive: the reader stops here too
            return;
        }
        Long size = number(header, 124, 12);
        Long sum = number(header, 148, 8);
        if (size == null || sum == null || sum != checksum(header)) {
            stopped = true;
            return;
        }
        char type = (char) header[156];
        long stored = size;
        if (type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K') {
            if (size > META_MAX) {
                stopped = true;
                return;
            }
            meta = new ByteArrayOutputStream(size.intValue());
            metaType = type;
            if (size == 0) {
                metaDone();
            }
        } else {
            byte[] name = paxPath != null ? paxPath : longName != null ? longName : ustarName(header);
            byte[] link = paxLink != null ? paxLink : longLink != null ? longLink : field(header, 157, 100);
            entries.add(new Raw(name, link));
            if (paxSize >= 0) {
                stored = paxSize;
            }
            paxPath = null;
            paxLink = null;
            paxSize = -1;
            longName = null;
            longLink = null;
        }
        if (type == 'S' && header[482] != 0) {
            sparseData = stored; // extension blocks of the sparse map come first
            return;
        }
        dataLeft = stored;
        padLeft = (BLOCK - stored % BLOCK) % BLOCK;
    }

    /** One extension block of an old GNU sparse header: another follows while its byte 504 is set. */
    private void sparseExtension() {
        if (header[504] != 0) {
            return;
        }
        dataLeft = sparseData;
        padLeft = (BLOCK - sparseData % BLOCK) % BLOCK;
        sparseData = -1;
    }

    private void metaDone() {
        byte[] bytes = meta.toByteArray();
        meta = null;
        switch (metaType) {
            case 'L' -> longName = field(bytes, 0, bytes.length);
            case 'K' -> longLink = field(bytes, 0, bytes.length);
            case 'x', 'X' -> pax(bytes);
            default -> {
                // Global pax records: the reader applies their path to no single entry jcap checks.
            }
        }
    }

    /** Pax records, {@code LENGTH KEY=VALUE\n} each: the path, link path and size of the next entry. */
    private void pax(byte[] bytes) {
        int at = 0;
        while (at < bytes.length) {
            int space = indexOf(bytes, (byte) ' ', at);
            if (space < 0) {
                return;
            }
            int length;
            try {
                length = Integer.parseInt(new String(bytes, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return;
            }
            int end = at + length;
            int equals = indexOf(bytes, (byte) '=', space + 1);
            if (length <= 0 || end > bytes.length || equals < 0 || equals >= end) {
                return;
            }
            String key = new String(bytes, space + 1, equals - space - 1, StandardCharsets.US_ASCII);
            byte[] value = java.util.Arrays.copyOfRange(bytes, equals + 1, end - 1);
            switch (key) {
                case "path" -> paxPath = value;
                case "linkpath" -> paxLink = value;
                case "size" -> {
                    try {
                        paxSize = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
                    } catch (NumberFormatException e) {
                        stopped = true;
                    }
                }
                default -> {
                }
            }
            at = end;
        }
    }

    /** The ustar name: its prefix, a slash and its name when the header is a POSIX ustar one. */
    private static byte[] ustarName(byte[] h) {
        byte[] name = field(h, 0, 100);
        boolean posix = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r'
                && h[262] == 0;
        byte[] prefix = posix ? field(h, 345, 155) : new byte[0];
        if (prefix.length == 0) {
            return name;
        }
        byte[] whole = new byte[prefix.length + 1 + name.length];
        System.arraycopy(prefix, 0, whole, 0, prefix.length);
        whole[prefix.length] = '/';
        System.arraycopy(name, 0, whole, prefix.length + 1, name.length);
        return whole;
    }

    /** The bytes of a field up to its first NUL. */
    private static byte[] field(byte[] b, int from, int length) {
        int end = from;
        while (end < from + length && b[end] != 0) {
            end++;
        }
        return java.util.Arrays.copyOfRange(b, from, end);
    }

    /** An octal field (spaces and NULs around it), or a base-256 one; null when it is neither. */
    private static Long number(byte[] h, int from, int length) {
        if ((h[from] & 0x80) != 0) {
            long v = h[from] & 0x3f;
            for (int i = from + 1; i < from + length; i++) {
                v = v << 8 | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int i = from; i < from + length; i++) {
            byte c = h[i];
            if (c >= '0' && c <= '7') {
                v = v * 8 + (c - '0');
                digits = true;
            } else if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
            } else {
                return null;
            }
        }
        return v;
    }

    private static long checksum(byte[] h) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        return sum;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code bytes} are UTF-8 (strictly: no malformed or overlong sequence). */
    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** {@code bytes} for a message: printable ASCII as it is, every other byte as {@code \xHH}. */
    static String shown(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                out.append((char) c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        return out.toString();
    }
}
