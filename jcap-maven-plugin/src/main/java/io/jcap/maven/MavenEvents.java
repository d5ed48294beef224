package io.jcap.maven;

import io.jcap.model.EventSink;
import org.apache.maven.plugin.logging.Log;

/**
 * The builder's events as Maven's log lines: a progress task is logged when it starts and when it
 * ends, never per step, since Maven's log is plain lines (CI, files).
 */
final class MavenEvents implements EventSink {
    private final Log log;
    private String task = "";

    MavenEvents(Log log) {
        this.log = log;
    }

    @Override
    public void log(Level level, String message) {
        switch (level) {
            case DEBUG -> log.debug(message);
            case INFO -> log.info(message);
            case WARN -> log.warn(message);
        }
    }

    @Override
    public synchronized void progress(String name, long done, long total) {
        if (!name.equals(task)) {
            task = name;
            log.info(name + (total > 0 ? " (" + total + " bytes)" : ""));
        }
        if (total >= 0 && done == total) {
            log.debug(name + ": done");
            task = "";
        }
    }
}
