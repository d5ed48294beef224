package io.jcap.builder.registry;

import io.jcap.model.EventSink;

/**
 * Bytes moved for one task (a push, a pull), reported through {@link EventSink#progress} every MiB
 * and at the end, whichever blob they belong to.
 */
final class ProgressMeter {
    private static final long STEP = 1 << 20;

    private final EventSink events;
    private final String task;
    private final long total;
    private long done;
    private long reported;

    ProgressMeter(EventSink events, String task, long total) {
        this.events = events;
        this.task = task;
        this.total = total;
    }

    /** Counts {@code bytes} more; reports when a MiB has passed since the last report. */
    void add(long bytes) {
        done += bytes;
        if (done - reported >= STEP) {
            reported = done;
            events.progress(task, done, total);
        }
    }

    /** The bytes counted so far. */
    long done() {
        return done;
    }

    /** Reports the task complete. */
    void finish() {
        if (reported != total) {
            reported = total;
            events.progress(task, total, total);
        }
    }
}
