package io.jcap.hypervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * The last lines of a guest console (or any line stream), safe to share between the thread
 * that reads the stream and threads that wait for a line. Every line gets an index counting from
 * 0 since the stream began, so a waiter can ask for lines after the one it saw last.
 *
 * <pre>{@code
 * ConsoleLog log = new ConsoleLog(200);
 * log.append("JCAP-READY port=10000");
 * Optional<ConsoleLog.Line> ready = log.await(0, l -> l.startsWith("JCAP-READY"), deadline);
 * Optional<String> done = log.awaitNext("the build's end", l -> l.startsWith("JCAP-BUILD-DONE"), timeout);
 * }</pre>
 */
public final class ConsoleLog {
    /** One console line and its index since the stream began. */
    public record Line(long index, String text) {
    }

    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long count;
    private boolean ended;
    /** Where {@link #awaitNext} goes on: past the line it returned last. */
    private long next;

    public ConsoleLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    public synchronized void append(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
        count++;
        notifyAll();
    }

    /** Marks the end of the stream: no line will follow. */
    public synchronized void end() {
        ended = true;
        notifyAll();
    }

    public synchronized boolean ended() {
        return ended;
    }

    /** How many lines were appended since the stream began, including those no longer kept. */
    public synchronized long lineCount() {
        return count;
    }

    /** The lines still kept, oldest first. */
    public synchronized List<String> tail() {
        return List.copyOf(lines);
    }

    public synchronized List<String> tail(int n) {
        List<String> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /**
     * Waits for the first kept line with an index of at least {@code fromIndex} that matches.
     * Returns empty when the deadline passes or the stream ended without such a line.
     */
    public synchronized Optional<Line> await(long fromIndex, Predicate<String> matcher, Instant deadline)
            throws InterruptedException {
        long checked = fromIndex;
        while (true) {
            long first = count - lines.size();
            long index = first;
            for (String line : lines) {
                if (index >= checked && matcher.test(line)) {
                    return Optional.of(new Line(index, line));
                }
                index++;
            }
            checked = Math.max(checked, count);
            if (ended) {
                return Optional.empty();
            }
            long millis = Duration.between(Instant.now(), deadline).toMillis();
            if (millis <= 0) {
                return Optional.empty();
            }
            wait(millis);
        }
    }

    /**
     * Waits for a matching line after the one this method returned last (from the first line on
     * the first call) and moves past it: what a VM's successive {@code awaitLine} calls need.
     * Returns empty when the timeout passes or the stream ended without such a line.
     *
     * @param description names the line in the error when the wait is interrupted
     */
    public synchronized Optional<String> awaitNext(String description, Predicate<String> matcher, Duration timeout)
            throws VmException {
        Optional<Line> found;
        try {
            found = await(next, matcher, Instant.now().plus(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while waiting for " + description, OptionalInt.empty(), tail(), e);
        }
        found.ifPresent(line -> next = line.index() + 1);
        return found.map(Line::text);
    }
}
