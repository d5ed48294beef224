package io.jcap.kernels.mini;

import io.jcap.model.EventSink;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Turns kbuild's output ({@code "  CC      kernel/fork.o"}, one line per step) into progress: a
 * line every tenth of the expected steps (a count of steps, not of bytes, so no byte progress bar),
 * so that a build that takes minutes is never silent, and a tail of the last lines for the error
 * when make fails.
 *
 * <pre>{@code
 * MakeProgress progress = new MakeProgress("Compiling linux-mini", 1200, events);
 * HostTool.start(make, src, progress).await(timeout);
 * }</pre>
 */
final class MakeProgress implements Consumer<String> {
    /** kbuild's short step lines: two spaces, a capitalised tool name, its target. */
    private static final Pattern STEP = Pattern.compile("^  [A-Z][A-Z0-9_-]* +\\S.*");
    private static final int TAIL = 25;

    private final String task;
    private final long expected;
    private final EventSink events;
    private final Deque<String> tail = new ArrayDeque<>();
    private long steps;
    private long lastTenth;

    /**
     * @param expected the steps a build of this config takes (measured): progress says percent of
     *     it, never 100 before make ends
     */
    MakeProgress(String task, long expected, EventSink events) {
        if (expected <= 0) {
            throw new IllegalArgumentException("expected steps must be positive, not " + expected);
        }
        this.task = task;
        this.expected = expected;
        this.events = events;
    }

    @Override
    public synchronized void accept(String line) {
        if (tail.size() == TAIL) {
            tail.removeFirst();
        }
        tail.addLast(line);
        if (!STEP.matcher(line).matches()) {
            return;
        }
        steps++;
        long percent = Math.min(99, steps * 100 / expected);
        if (percent / 10 > lastTenth) {
            lastTenth = percent / 10;
            events.info(task + ": " + percent + "% (" + steps + " steps, " + line.strip() + ")");
        }
    }

    /** The steps seen so far. */
    synchronized long steps() {
        return steps;
    }

    /** The last lines make printed, oldest first: what an error message shows. */
    synchronized List<String> tail() {
        return List.copyOf(tail);
    }
}
