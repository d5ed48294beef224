package io.jcap.streamer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExitLineTest {
    private static final String TAG = "0123456789abcdef0123456789abcdef";

    @Test
    void match_tagged_onlyTheLineWithTheTagEnds() {
        ExitLine end = new ExitLine(Optional.of(TAG));

        assertEquals(Optional.of(new GuestMarker.Exit("", 3)), end.match("JCAP-EXIT 3 " + TAG));
        assertEquals(Optional.of(new GuestMarker.Exit("no newline", 0)), end.match("no newlineJCAP-EXIT 0 " + TAG));
        assertEquals(Optional.empty(), end.match("JCAP-EXIT 3"));
        assertEquals(Optional.empty(), end.match("JCAP-EXIT 3 " + TAG.replace('0', '1')));
        assertEquals(Optional.empty(), end.match("JCAP-EXIT 3 " + TAG + "0"));
        assertEquals(Optional.empty(), end.match("JCAP-EXIT 3 " + TAG + " and more"));
    }

    @Test
    void parse_taggedRun_anUntaggedExitLineIsNoMarker() {
        ExitLine end = new ExitLine(Optional.of(TAG));

        assertEquals(Optional.empty(), GuestMarker.parse("JCAP-EXIT 7", end));
        assertEquals(Optional.of(new GuestMarker.Exit("", 7)), GuestMarker.parse("JCAP-EXIT 7 " + TAG, end));
        assertEquals(Optional.of(new GuestMarker.Start()), GuestMarker.parse("JCAP-START", end));
    }

    /** Images of older inits print no tag: their line is matched as it always was. */
    @Test
    void match_untagged_isTheLineWithoutATag() {
        assertEquals(Optional.of(new GuestMarker.Exit("", 42)), ExitLine.UNTAGGED.match("JCAP-EXIT 42"));
        assertEquals(Optional.empty(), ExitLine.UNTAGGED.match("JCAP-EXIT 42 " + TAG));
        assertEquals(GuestMarker.EXIT_LINE, ExitLine.UNTAGGED.pattern());
    }

    @Test
    void random_is128BitsOfHex_differentEachTime() {
        ExitLine a = ExitLine.random();
        ExitLine b = ExitLine.random();

        assertTrue(a.tag().orElseThrow().matches("[0-9a-f]{32}"), a.toString());
        assertNotEquals(a, b);
    }

    /** The tag goes into a regular expression and onto the guest's settings line: hex digits only. */
    @Test
    void new_tagOtherThanHexDigits_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ExitLine(Optional.of(".*")));
        assertThrows(IllegalArgumentException.class, () -> new ExitLine(Optional.of("0123456789ABCDEF")));
        assertThrows(IllegalArgumentException.class, () -> new ExitLine(Optional.of("0123456789abcde")));
    }
}
