package io.jcap.model;

/**
 * Where library code reports what it is doing. Library code never prints; the CLI renders
 * these events as a progress bar on a terminal or as plain lines otherwise.
 *
 * <pre>{@code
 * EventSink sink = EventSink.NONE;
 * sink.info("Booting builder VM");
 * sink.progress("Streaming files", 1024, 4096);
 * }</pre>
 */
public interface EventSink {
    /** Severity of a log event. */
    enum Level { DEBUG, INFO, WARN }

    /** A sink that drops everything. */
    EventSink NONE = new EventSink() {
        @Override
        public void log(Level level, String message) {
        }

        @Override
        public void progress(String task, long done, long total) {
        }
    };

    void log(Level level, String message);

    /**
     * Progress of a long task. {@code total} is -1 when unknown; {@code done == total} ends the task.
     */
    void progress(String task, long done, long total);

    default void info(String message) {
        log(Level.INFO, message);
    }

    default void debug(String message) {
        log(Level.DEBUG, message);
    }

    default void warn(String message) {
        log(Level.WARN, message);
    }
}
