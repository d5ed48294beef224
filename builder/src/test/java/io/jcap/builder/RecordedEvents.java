package io.jcap.builder;

import io.jcap.model.EventSink;
import java.util.ArrayList;
import java.util.List;

/** Keeps the log events library code emits, as {@code LEVEL message} lines. */
public final class RecordedEvents implements EventSink {
    public final List<String> lines = new ArrayList<>();

    @Override
    public void log(Level level, String message) {
        lines.add(level + " " + message);
    }

    @Override
    public void progress(String task, long done, long total) {
    }
}
