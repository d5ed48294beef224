package io.jcap.model;

import java.net.ConnectException;

/**
 * The words for why a call to a service failed, for an error message: the first message along the
 * exception's causes, {@code connection refused} for a bare {@link ConnectException} (the JDK's
 * HTTP client throws one without a message when nothing listens), else the exception's simple name;
 * a host name that does not resolve says so, whatever the messages.
 *
 * <pre>{@code
 * throw new EnvironmentException("cannot reach " + what + ": " + FailureReason.of(e), e);
 * }</pre>
 */
public final class FailureReason {
    private FailureReason() {
    }

    public static String of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // The JDK's HTTP client: a ConnectException without a message, caused by this one.
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "its host name does not resolve (unknown host)";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank() && !message.equals("null")) {
                return message;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return e.getClass().getSimpleName();
    }
}
