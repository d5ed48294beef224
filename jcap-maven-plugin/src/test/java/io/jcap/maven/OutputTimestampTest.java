package io.jcap.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OutputTimestampTest {
    @Test
    void seconds_isoDateTime_isItsEpochSecond() throws SettingException {
        assertEquals(OptionalLong.of(1767225600), OutputTimestamp.seconds("2026-01-01T00:00:00Z"));
        assertEquals(OptionalLong.of(1767225600), OutputTimestamp.seconds("2026-01-01T01:00:00+01:00"));
    }

    @Test
    void seconds_digits_areSecondsSince1970() throws SettingException {
        assertEquals(OptionalLong.of(1767225600), OutputTimestamp.seconds("1767225600"));
    }

    @Test
    void seconds_unsetEmptyOrOneCharacter_isNone() throws SettingException {
        assertEquals(OptionalLong.empty(), OutputTimestamp.seconds(null));
        assertEquals(OptionalLong.empty(), OutputTimestamp.seconds(""));
        assertEquals(OptionalLong.empty(), OutputTimestamp.seconds("a"));
    }

    @Test
    void seconds_notATime_isRefusedNamingTheProperty() {
        assertRefused("yesterday", "project.build.outputTimestamp: 'yesterday' is not a time: use seconds since 1970"
                + " or an ISO 8601 date and time with an offset (1767225600, 2026-01-01T00:00:00Z)");
    }

    @Test
    void seconds_before1980_isRefused() {
        assertRefused("10", "project.build.outputTimestamp: '10' is outside the times Maven allows: use one from"
                + " 1980-01-01T00:00:02Z to 2099-12-31T23:59:59Z");
    }

    private static void assertRefused(String value, String message) {
        assertEquals(message, assertThrows(SettingException.class, () -> OutputTimestamp.seconds(value)).getMessage());
    }
}
