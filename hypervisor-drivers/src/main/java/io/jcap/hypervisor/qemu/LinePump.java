package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.hypervisor.ConsoleLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Reads a process stream line by line ({@link ConsoleLineSplitter}) on a daemon thread into a
 * {@link ConsoleLog}, and ends the log when the stream ends.
 */
final class LinePump {
    private LinePump() {
    }

    static Thread start(InputStream in, ConsoleLog log, Consumer<String> listener, String threadName) {
        Thread thread = new Thread(() -> pump(in, log, listener), threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pump(InputStream in, ConsoleLog log, Consumer<String> listener) {
        ConsoleLineSplitter lines = new ConsoleLineSplitter(text -> {
            log.append(text);
            listener.accept(text);
        });
        byte[] buffer = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                lines.accept(buffer, n);
            }
        } catch (IOException e) {
            // The process is gone and its pipe with it; what was read is all there is.
        } finally {
            lines.finish();
            log.end();
        }
    }
}
