package io.jcap.builder.push;

import java.util.Objects;

/**
 * A password, token or key a target holds: {@link #toString()} never shows it, so that it cannot
 * reach a message, a log line or a stack trace by accident; only the code that sends it calls
 * {@link #reveal()}.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret itself, for the one place that sends it. */
    public String reveal() {
        return value;
    }

    /** Whether the secret appears in {@code text}: to keep it out of a message built from a server's answer. */
    public boolean isIn(String text) {
        return !value.isEmpty() && text.contains(value);
    }

    @Override
    public String toString() {
        return "(secret)";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
