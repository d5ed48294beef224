package io.jcap.hypervisor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a guest console's bytes into lines, the one way every console reader in jcap does it:
 * lines end at LF and a trailing CR is dropped. A line longer than {@value #MAX_LINE} bytes is
 * cut there (at a UTF-8 character boundary), passed on at once with {@link #CUT_MARK} at its end,
 * and the rest of it up to the next LF is dropped: a guest that prints a megabyte without a
 * newline, or never prints one, neither fills the heap nor fails the reader, and the cut is
 * visible where it happened. Not thread-safe: one reader feeds it.
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
    /** The longest line passed on whole; a longer one is cut to this many bytes and marked. */
    public static final int MAX_LINE = 8192;
    /** What a cut line ends with. */
    public static final String CUT_MARK = " \u2026 [line cut at " + MAX_LINE + " bytes]";

    private final Consumer<String> lines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Whether the current line was cut and its rest is being dropped up to its LF. */
    private boolean dropping;

    /** @param lines receives each line, without its LF or CR LF */
    public ConsoleLineSplitter(Consumer<String> lines) {
        this.lines = lines;
    }

    /** Splits the first {@code n} bytes of {@code buffer}, passing on every line they complete. */
    public void accept(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                if (!dropping) {
                    emit();
                }
                dropping = false;
            } else if (!dropping) {
                line.write(b);
                // A CR just past the limit may be the end of a CR LF; it is dropped with the LF then.
                if (line.size() > MAX_LINE && !(line.size() == MAX_LINE + 1 && b == '\r')) {
                    emitCut();
                }
            }
        }
    }

    /** Passes on the unfinished last line, if there is one: the stream ended. */
    public void finish() {
        if (line.size() > 0) {
            emit();
        }
        dropping = false;
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        lines.accept(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }

    /** The line has one byte more than {@link #MAX_LINE}: pass on its first bytes, marked, and drop the rest. */
    private void emitCut() {
        byte[] bytes = line.toByteArray();
        int end = MAX_LINE;
        // Back off to the start of a UTF-8 sequence so that no character is cut in half.
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        line.reset();
        dropping = true;
        lines.accept(new String(bytes, 0, end, StandardCharsets.UTF_8) + CUT_MARK);
    }
}
