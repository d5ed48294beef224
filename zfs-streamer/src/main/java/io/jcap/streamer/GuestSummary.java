package io.jcap.streamer;

import io.jcap.formats.cpio.StreamStats;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reply of jcap's guest init after a stream: {@code OK entries=E bytes=B xxh64=XXXXXXXXXXXXXXXX} (16 lower-case hex digits), or
 * {@code ERR message}.
 */
public record GuestSummary(long entries, long bytes, long xxh64) {
    private static final Pattern OK = Pattern.compile("OK entries=(\\d+) bytes=(\\d+) xxh64=([0-9a-f]{16})");

    /** Parses the guest's reply line, throwing the guest's own error for an {@code ERR} line. */
    public static GuestSummary parse(String line) throws StreamException {
        if (line == null || line.isEmpty()) {
            throw new StreamException("the builder guest closed the connection without a summary");
        }
        if (line.startsWith("ERR ")) {
            throw new StreamException("the builder guest refused the stream: " + line.substring(4));
        }
        Matcher m = OK.matcher(line);
        if (!m.matches()) {
            throw new StreamException("the builder guest sent an unreadable summary: '" + line + "'");
        }
        return new GuestSummary(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseUnsignedLong(m.group(3), 16));
    }

    /** Checks the guest received exactly what was sent. */
    public void verify(StreamStats sent) throws StreamException {
        if (entries != sent.entries() || bytes != sent.bytes() || xxh64 != sent.xxh64()) {
            throw new StreamException(String.format(
                    "the builder guest received something else than was sent: sent %d entries, %d bytes, xxh64 %016x;"
                            + " guest reports %d entries, %d bytes, xxh64 %016x",
                    sent.entries(), sent.bytes(), sent.xxh64(), entries, bytes, xxh64));
        }
    }
}
