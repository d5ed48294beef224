package io.jcap.streamer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.formats.cpio.StreamStats;
import io.jcap.model.Sha256;
import org.junit.jupiter.api.Test;

class GuestSummaryTest {
    private static final StreamStats SENT = new StreamStats(3, 1024, 0xfedcba98deadbeefL, Sha256.of(new byte[0]));

    @Test
    void parse_okLine_readsFields() throws StreamException {
        GuestSummary s = GuestSummary.parse("OK entries=3 bytes=1024 xxh64=fedcba98deadbeef");
        assertEquals(new GuestSummary(3, 1024, 0xfedcba98deadbeefL), s);
        s.verify(SENT);
    }

    @Test
    void parse_errLine_reportsTheGuestsReason() {
        StreamException e = assertThrows(StreamException.class,
                () -> GuestSummary.parse("ERR entry '/a/../../etc/x' escapes the image root"));
        assertEquals("the builder guest refused the stream: entry '/a/../../etc/x' escapes the image root", e.getMessage());
    }

    @Test
    void verify_mismatch_namesBothSides() throws StreamException {
        GuestSummary s = GuestSummary.parse("OK entries=3 bytes=1000 xxh64=fedcba98deadbeef");
        StreamException e = assertThrows(StreamException.class, () -> s.verify(SENT));
        assertEquals("the builder guest received something else than was sent: sent 3 entries, 1024 bytes, xxh64 fedcba98deadbeef;"
                + " guest reports 3 entries, 1000 bytes, xxh64 fedcba98deadbeef", e.getMessage());
    }

    @Test
    void parse_theOldCrc32Summary_isRefusedAsUnreadable() {
        StreamException e = assertThrows(StreamException.class,
                () -> GuestSummary.parse("OK entries=3 bytes=1024 crc32=deadbeef"));
        assertEquals("the builder guest sent an unreadable summary: 'OK entries=3 bytes=1024 crc32=deadbeef'",
                e.getMessage());
    }

    @Test
    void parse_garbage_isRefused() {
        StreamException e = assertThrows(StreamException.class, () -> GuestSummary.parse("hello"));
        assertEquals("the builder guest sent an unreadable summary: 'hello'", e.getMessage());
    }
}
