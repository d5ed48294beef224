package io.jcap.builder.push;

import io.jcap.formats.qcow2.Extent;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the pieces of a disk (EBS blocks, page blob pages) with a bounded number in flight: each
 * of {@code threads} workers takes the next piece, reads and sends it with a buffer of its own, and
 * the progress counts the pieces' bytes. The first failure stops the others and is thrown as it
 * was (a target maps its SDK's exceptions itself).
 *
 * <pre>{@code
 * ParallelPieces.send(chunks, 4, 4 << 20, (piece, buffer) -> { ... }, events, "Uploading hello");
 * }</pre>
 */
public final class ParallelPieces {
    private ParallelPieces() {
    }

    /** What a worker does with one piece, given its own buffer of the size asked for. */
    @FunctionalInterface
    public interface Sender {
        void send(Extent piece, byte[] buffer) throws JcapException, InterruptedException;
    }

    /** Sends every piece of {@code pieces} through {@code sender} on {@code threads} threads. */
    public static void send(List<Extent> pieces, int threads, int bufferSize, Sender sender, EventSink events, String task)
            throws JcapException, InterruptedException {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one piece at a time, not " + threads);
        }
        long total = pieces.stream().mapToLong(Extent::length).sum();
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "push-piece-sender");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    byte[] buffer = new byte[bufferSize];
                    for (int n; (n = next.getAndIncrement()) < pieces.size() && !Thread.currentThread().isInterrupted(); ) {
                        Extent piece = pieces.get(n);
                        sender.send(piece, buffer);
                        long now = done.addAndGet(piece.length());
                        synchronized (events) {
                            events.progress(task, now, total);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> worker : workers) {
                worker.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JcapException j) {
                throw j;
            }
            if (cause instanceof InterruptedException i) {
                throw i;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
