package io.jcap.builder.instance;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The last lines of a console ({@code jcap logs --tail N}): lines are held, the oldest dropped
 * beyond {@code count}, until {@link #flush} passes the held ones on; every line after that passes
 * straight through (what a followed instance prints next).
 *
 * <pre>{@code
 * LastLines last = new LastLines(2, System.out::println);
 * List.of("a", "b", "c").forEach(last);
 * last.flush();      // prints b, c
 * last.accept("d");  // prints d
 * }</pre>
 */
public final class LastLines implements Consumer<String> {
    private final int count;
    private final Consumer<String> next;
    private Deque<String> held = new ArrayDeque<>();

    public LastLines(int count, Consumer<String> next) {
        if (count < 0) {
            throw new IllegalArgumentException("a number of lines is 0 or more, got " + count);
        }
        this.count = count;
        this.next = next;
    }

    @Override
    public synchronized void accept(String line) {
        if (held == null) {
            next.accept(line);
            return;
        }
        held.addLast(line);
        if (held.size() > count) {
            held.removeFirst();
        }
    }

    /** Passes the held lines on; later lines pass straight through. A second call does nothing. */
    public synchronized void flush() {
        if (held != null) {
            Deque<String> lines = held;
            held = null;
            lines.forEach(next);
        }
    }
}
