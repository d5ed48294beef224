package io.jcap.cli;

import io.jcap.model.EventSink;
import io.jcap.model.Printable;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Renders library events on standard error: a live progress bar on a terminal, plain lines
 * otherwise (CI, {@code TERM=dumb}, redirected output), so that standard output carries only
 * what a command produces (an application's console, JSON).
 */
final class ConsoleEvents implements EventSink {
    private static final int BAR_WIDTH = 30;
    /** The narrowest bar drawn before the task's name is shortened instead. */
    private static final int MIN_BAR_WIDTH = 10;
    /** The terminal's width when {@code COLUMNS} does not say: a line may not wrap, or {@code \r} leaves it behind. */
    private static final int DEFAULT_COLUMNS = 80;
    /** The events whose bar may be on the screen: an error line or an interrupt ends it first. */
    private static volatile ConsoleEvents drawing;
    private static final long REDRAW_NANOS = 100_000_000L;
    /** How long a task runs before its rate is shown. */
    private static final long RATE_AFTER_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final boolean live;
    private final boolean verbose;
    private final java.util.function.LongSupplier clock;
    private String task;
    private long taskStart;
    private long lastDraw;
    private int lastQuarter = -1;
    /** The task that just finished, and its total: a second "done" for it draws nothing. */
    private String finishedTask;
    private long finishedTotal;
    private boolean barOnScreen;
    private final int columns;

    ConsoleEvents(PrintWriter err, boolean verbose) {
        this(err, Terminal.isStderr() && !"dumb".equals(System.getenv("TERM"))
                && !"true".equals(System.getenv("CI")), verbose);
    }

    ConsoleEvents(PrintWriter err, boolean live, boolean verbose) {
        this(err, live, verbose, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime}: a test's own clock */
    ConsoleEvents(PrintWriter err, boolean live, boolean verbose, java.util.function.LongSupplier clock) {
        this.err = err;
        this.live = live;
        this.verbose = verbose;
        this.clock = clock;
        this.columns = columns(System.getenv("COLUMNS"));
    }

    /** The width a bar may take: {@code COLUMNS} when the shell exported it, else 80. */
    static int columns(String env) {
        try {
            int n = env == null ? DEFAULT_COLUMNS : Integer.parseInt(env.strip());
            return n >= 20 ? n : DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }

    /**
     * Ends a bar left on the screen (the line cleared) before an error line, or when jcap is
     * stopped by a signal: the shell's next output would otherwise start on it.
     */
    static void endBar() {
        ConsoleEvents events = drawing;
        if (events != null) {
            synchronized (events) {
                events.clearBar();
                events.err.flush();
            }
        }
    }

    @Override
    public synchronized void log(Level level, String message) {
        if (level == Level.DEBUG && !verbose) {
            return;
        }
        clearBar();
        finishedTask = null;
        err.println((level == Level.WARN ? "warning: " : "") + Printable.lines(message));
        err.flush();
    }

    @Override
    public synchronized void progress(String name, long done, long total) {
        boolean finished = total >= 0 && done >= total;
        // A writer may report its last piece as all done and then its end (ROFS: the files,
        // then the folders' structure); the task was shown as finished once.
        if (finished && name.equals(finishedTask) && total == finishedTotal) {
            return;
        }
        finishedTask = finished ? name : null;
        finishedTotal = total;
        if (!name.equals(task)) {
            task = name;
            taskStart = clock.getAsLong();
            lastQuarter = -1;
            lastDraw = 0;
        }
        if (live) {
            long now = clock.getAsLong();
            if (!finished && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            err.print("\r" + line(name, done, total, rate(done), columns - 1) + "\u001b[K");
            barOnScreen = true;
            drawing = this;
            if (finished) {
                err.println();
                barOnScreen = false;
                task = null;
            }
            err.flush();
            return;
        }
        int quarter = total > 0 ? (int) Math.min(4, done * 4 / total) : 0;
        if (quarter != lastQuarter) {
            lastQuarter = quarter;
            err.println(name + ": " + (total > 0 ? quarter * 25 + "% of " + human(total) : human(done)) + rate(done));
            err.flush();
        }
        if (finished) {
            task = null;
        }
    }

    private void clearBar() {
        if (barOnScreen) {
            err.print("\r\u001b[K");
            barOnScreen = false;
        }
    }

    /** The rate of the task so far, once it has moved: {@code " (12.3 MB/s)"}. */
    private String rate(long done) {
        long nanos = clock.getAsLong() - taskStart;
        // A rate over the first moments measures buffers filling, not the transfer ("0% ... (955.7 MB/s)").
        if (done <= 0 || nanos < RATE_AFTER_NANOS) {
            return "";
        }
        return String.format(Locale.ROOT, " (%.1f MB/s)", done * 1000.0 / nanos);
    }

    static String bar(String name, long done, long total) {
        return bar(name, done, total, BAR_WIDTH);
    }

    private static String bar(String name, long done, long total, int width) {
        if (total <= 0) {
            return name + " " + human(done);
        }
        int filled = (int) (width * Math.min(done, total) / total);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%% %s/%s", name, "#".repeat(filled),
                " ".repeat(width - filled), done * 100 / total, human(done), human(total));
    }

    /**
     * The bar and rate in at most {@code max} characters: a line that wraps cannot be redrawn
     * with {@code \r}, so the bar narrows first, then the task's name is shortened.
     */
    static String line(String name, long done, long total, String rate, int max) {
        String full = bar(name, done, total) + rate;
        if (full.length() <= max) {
            return full;
        }
        int over = full.length() - max;
        int width = total > 0 ? Math.max(MIN_BAR_WIDTH, BAR_WIDTH - over) : BAR_WIDTH;
        String narrower = bar(name, done, total, width) + rate;
        if (narrower.length() <= max) {
            return narrower;
        }
        int keep = name.length() - (narrower.length() - max) - 1;
        if (keep >= 8) {
            return bar(name.substring(0, keep) + "\u2026", done, total, width) + rate;
        }
        return narrower.substring(0, max);
    }

    static String human(long bytes) {
        return io.jcap.model.ByteSize.human(bytes);
    }
}
