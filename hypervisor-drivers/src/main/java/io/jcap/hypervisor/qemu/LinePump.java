package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.ConsoleLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a process stream line by line on a daemon thread into a {@link ConsoleLog}. Lines end
 * at LF (a trailing CR is dropped); a guest that prints without newlines gets its output cut
 * into {@value #MAX_LINE}-byte lines rather than filling the heap.
 */
final class LinePump {
    static final int MAX_LINE = 8192;

    private LinePump() {
    }

    static Thread start(InputStream in, ConsoleLog log, Consumer<String> listener, String threadName) {
        Thread thread = new Thread(() -> pump(in, log, listener), threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pump(InputStream in, ConsoleLog log, Consumer<String> listener) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        emit(line, log, listener);
                    } else {
                        line.write(b);
                        if (line.size() == MAX_LINE) {
                            emit(line, log, listener);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The process is gone and its pipe with it; what was read is all there is.
        } finally {
            if (line.size() > 0) {
                emit(line, log, listener);
            }
            log.end();
        }
    }

    private static void emit(ByteArrayOutputStream bytes, ConsoleLog log, Consumer<String> listener) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        log.append(text);
        listener.accept(text);
    }
}
