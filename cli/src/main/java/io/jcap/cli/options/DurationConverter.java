package io.jcap.cli.options;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wait on the command line: {@code 10s}, {@code 500ms}, {@code 2m}; a plain number is seconds.
 * No library module parses durations from text yet, so the syntax lives here, in {@link #parse}.
 */
public final class DurationConverter extends DomainValueConverter<Duration> {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    public DurationConverter() {
        super(DurationConverter::parse);
    }

    /**
     * Parses {@code 10s}, {@code 500ms}, {@code 2m} or {@code 3} (seconds).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' is not a duration: use a number of seconds, or one with ms, s or m (10, 10s, 500ms, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
