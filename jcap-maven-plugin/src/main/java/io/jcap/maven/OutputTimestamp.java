package io.jcap.maven;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.OptionalLong;

/**
 * The project's {@code project.build.outputTimestamp}, as Maven's reproducible builds and Jib read
 * it: seconds since 1970 (all digits) or an ISO 8601 date and time with an offset
 * ({@code 2026-01-01T00:00:00Z}); unset, empty or one character (Maven's way to turn it off)
 * means none, and the image's files get jcap's own time ({@code SOURCE_DATE_EPOCH}, else 0).
 *
 * <pre>{@code
 * OptionalLong seconds = OutputTimestamp.seconds(outputTimestamp);   // ${project.build.outputTimestamp}
 * }</pre>
 */
final class OutputTimestamp {
    static final String PROPERTY = "project.build.outputTimestamp";
    /** Maven's own bounds (maven-archiver): zip times cannot go before 1980, and it refuses 2100 on. */
    private static final Instant EARLIEST = Instant.parse("1980-01-01T00:00:02Z");
    private static final Instant LATEST = Instant.parse("2099-12-31T23:59:59Z");

    private OutputTimestamp() {
    }

    /** The time in seconds since 1970, or none when the property is unset or turned off. */
    static OptionalLong seconds(String value) throws SettingException {
        if (value == null || value.length() < 2) {
            return OptionalLong.empty();
        }
        Instant time;
        try {
            time = value.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(value))
                    : OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException | NumberFormatException e) {
            throw new SettingException(PROPERTY + ": '" + value + "' is not a time: use seconds since 1970 or an ISO"
                    + " 8601 date and time with an offset (1767225600, 2026-01-01T00:00:00Z)");
        }
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw new SettingException(PROPERTY + ": '" + value + "' is outside the times Maven allows: use one from "
                    + EARLIEST + " to " + LATEST);
        }
        return OptionalLong.of(time.getEpochSecond());
    }
}
