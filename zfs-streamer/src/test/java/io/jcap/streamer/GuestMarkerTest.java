package io.jcap.streamer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuestMarkerTest {
    @Test
    void parse_eachMarker() {
        assertEquals(Optional.of(new GuestMarker.Ready()), GuestMarker.parse("JCAP-READY port=10000"));
        assertEquals(Optional.of(new GuestMarker.BuildDone()), GuestMarker.parse("JCAP-BUILD-DONE"));
        assertEquals(Optional.of(new GuestMarker.Summary("OK entries=3 bytes=512 xxh64=00000000000badc0")),
                GuestMarker.parse("JCAP-SUMMARY OK entries=3 bytes=512 xxh64=00000000000badc0"));
        assertEquals(Optional.of(new GuestMarker.Start()), GuestMarker.parse("JCAP-START"));
        assertEquals(Optional.of(new GuestMarker.Error("no connection within 600 s")),
                GuestMarker.parse("JCAP-ERROR  no connection within 600 s "));
        assertEquals(Optional.of(new GuestMarker.Exit("", 42)), GuestMarker.parse("JCAP-EXIT 42"));
    }

    @Test
    void parse_exitAfterUnterminatedOutput_keepsTheOutput() {
        assertEquals(Optional.of(new GuestMarker.Exit("no newline", 3)), GuestMarker.parse("no newlineJCAP-EXIT 3"));
    }

    @Test
    void parse_otherLines_areNotMarkers() {
        assertEquals(Optional.empty(), GuestMarker.parse("[    0.000000] Linux version 6.1"));
        assertEquals(Optional.empty(), GuestMarker.parse("JCAP-EXIT 1000"));
        assertEquals(Optional.empty(), GuestMarker.parse("JCAP-EXIT 3 and more"));
        assertEquals(Optional.empty(), GuestMarker.parse("say JCAP-START"));
    }

    @Test
    void isErrorOr_stopsAtTheKindOrAnError() {
        assertTrue(GuestMarker.isErrorOr(GuestMarker.Ready.class, "JCAP-READY port=1"));
        assertTrue(GuestMarker.isErrorOr(GuestMarker.Ready.class, "JCAP-ERROR mount failed"));
        assertFalse(GuestMarker.isErrorOr(GuestMarker.Ready.class, "JCAP-BUILD-DONE"));
        assertFalse(GuestMarker.isErrorOr(GuestMarker.Ready.class, "hello"));
    }

    @Test
    void parse_markerAfterACarriageReturn_isTheMarker() {
        assertEquals(Optional.of(new GuestMarker.Start()), GuestMarker.parse("    \rJCAP-START"));
        assertEquals(Optional.of(new GuestMarker.Exit("progress 10%\r", 0)), GuestMarker.parse("progress 10%\rJCAP-EXIT 0"));
    }
}
