package io.jcap.builder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * Passes the user's input to the application's console, {@code jcap run -i}: on a daemon thread,
 * from the application's start (bytes before it would reach the guest's boot, not the
 * application) to the end of the input, each read as it comes. The guest's console reads lines
 * (its line discipline, without echo: docs/guest-protocol.md, "Run-time settings"), so the end of
 * the input goes as {@code ^D}: once after a line feed, twice after a part of a line (the first
 * ends the line, the second is end of file).
 */
final class ConsoleInput {
    /** The console's end-of-file character (VEOF, Ctrl-D). */
    static final byte END_OF_FILE = 0x04;
    private static final long POLL_MS = 20;

    private ConsoleInput() {
    }

    /** Starts passing {@code input} to {@code console} once {@code started}, unless {@code over} first. */
    static Thread start(InputStream input, OutputStream console, BooleanSupplier started, BooleanSupplier over) {
        Thread thread = new Thread(() -> pass(input, console, started, over), "jcap-console-input");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void pass(InputStream input, OutputStream console, BooleanSupplier started, BooleanSupplier over) {
        try {
            while (!started.getAsBoolean()) {
                if (over.getAsBoolean()) {
                    return;
                }
                Thread.sleep(POLL_MS);
            }
            byte[] buffer = new byte[4096];
            byte last = '\n';
            for (int n; (n = input.read(buffer)) >= 0; ) {
                if (n > 0) {
                    console.write(buffer, 0, n);
                    console.flush();
                    last = buffer[n - 1];
                }
            }
            console.write(last == '\n' ? new byte[] {END_OF_FILE} : new byte[] {END_OF_FILE, END_OF_FILE});
            console.flush();
        } catch (IOException e) {
            // The guest is gone (QEMU closed its end): nothing is left to pass input to.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
