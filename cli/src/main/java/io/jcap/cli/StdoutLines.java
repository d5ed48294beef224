package io.jcap.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Console lines to standard output, as {@code jcap run} and {@code jcap logs -f} print them. When
 * the reader has gone ({@code jcap run app | head -3}: a closed pipe), jcap stops as a Unix tool
 * does on SIGPIPE, its guest with it, instead of running on unseen until the guest ends.
 * {@code PrintWriter} swallows the write error, so it is asked after every line.
 */
final class StdoutLines implements Consumer<String> {
    /** A shell's status for a process ended by SIGPIPE (128 + 13). */
    static final int PIPE_CLOSED = 141;

    private final PrintWriter out;
    private final Runnable readerGone;
    private volatile boolean closed;

    StdoutLines(PrintWriter out) {
        this(out, new ExitThread());
    }

    /** @param readerGone what happens once standard output is closed (the JVM's exit, which stops the guest) */
    StdoutLines(PrintWriter out, Runnable readerGone) {
        this.out = out;
        this.readerGone = readerGone;
    }

    @Override
    public void accept(String line) {
        if (closed) {
            return;
        }
        out.println(line);
        out.flush();
        if (out.checkError()) {
            closed = true;
            readerGone.run();
        }
    }

    /**
     * Exits on a thread of its own: the line comes from the console's reader thread, which the
     * shutdown hooks (stopping the guest) may wait for.
     */
    private static final class ExitThread implements Runnable {
        @Override
        public void run() {
            Thread exit = new Thread("jcap-stdout-closed") {
                @Override
                public void run() {
                    System.exit(PIPE_CLOSED);
                }
            };
            exit.start();
        }
    }
}
