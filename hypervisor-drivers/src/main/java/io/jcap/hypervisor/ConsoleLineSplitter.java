package io.jcap.hypervisor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a guest console's bytes into lines, the one way every console reader in jcap does it:
 * lines end at LF, a trailing CR is dropped, and output without newlines is cut into
 * {@value #MAX_LINE}-byte lines rather than held whole (a guest that never prints a newline must
 * not fill the heap). Not thread-safe: one reader feeds it.
 *
 * <pre>{@code
 * ConsoleLineSplitter lines = new ConsoleLineSplitter(log::append);
 * int n;
 * while ((n = in.read(buffer)) >= 0) {
 *     lines.accept(buffer, n);
 * }
 * lines.finish();
 * }</pre>
 */
public final class ConsoleLineSplitter {
    /** The longest line passed on; longer output becomes several lines. */
    public static final int MAX_LINE = 8192;

    private final Consumer<String> lines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /** @param lines receives each line, without its LF or CR LF */
    public ConsoleLineSplitter(Consumer<String> lines) {
        this.lines = lines;
    }

    /** Splits the first {@code n} bytes of {@code buffer}, passing on every line they complete. */
    public void accept(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                emit();
            } else {
                line.write(b);
                if (line.size() == MAX_LINE) {
                    emit();
                }
            }
        }
    }

    /** Passes on the unfinished last line, if there is one: the stream ended. */
    public void finish() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        lines.accept(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }
}
