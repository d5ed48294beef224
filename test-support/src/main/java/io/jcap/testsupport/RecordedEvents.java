package io.jcap.testsupport;

import io.jcap.model.EventSink;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EventSink} that keeps the log events library code emits, for a test to compare;
 * progress is dropped. Safe to use from the threads a library call starts.
 *
 * <pre>{@code
 * RecordedEvents events = new RecordedEvents();
 * cache.runtime(modules, events);
 * assertEquals(List.of("INFO Cached the Java runtime in " + dir), events.lines());
 * }</pre>
 */
public final class RecordedEvents implements EventSink {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void log(Level level, String message) {
        lines.add(level + " " + message);
    }

    @Override
    public void progress(String task, long done, long total) {
    }

    /** The events so far, oldest first, as {@code LEVEL message} lines. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Forgets the events so far. */
    public synchronized void clear() {
        lines.clear();
    }
}
