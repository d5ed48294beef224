package io.jcap.model;

/**
 * Text from an image or a file shown on one line of a terminal: control characters (C0, DEL and
 * C1) and backslashes are written as escapes, as {@code ls -b} writes names, so that a newline in a
 * link target cannot break a listing and an escape sequence in a name cannot drive the terminal.
 *
 * <pre>{@code
 * Printable.of("a\nb\\c\u001b[2J"); // a\nb\\c\x1b[2J
 * }</pre>
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} with its control characters and backslashes escaped. */
    public static String of(String text) {
        return escaped(text, true);
    }

    /**
     * {@code text} with its control characters escaped as {@link #of} does, its backslashes left as
     * they are: for text that is already quoted for a shell (a command line jcap shows), where a
     * doubled backslash would change what pasting it gives.
     */
    public static String controls(String text) {
        return escaped(text, false);
    }

    /**
     * A message of several lines as a terminal should show it: its line feeds and tabs kept,
     * every other control character escaped as {@link #controls} does. jcap's messages quote
     * what images, registries and files say (a layer's entry names, an error body, a link target),
     * and an escape sequence there would otherwise reach the user's terminal as it is.
     */
    public static String lines(String text) {
        if (text.codePoints().noneMatch(c -> c != '\n' && c != '\t' && (c < 0x20 || (c >= 0x7f && c < 0xa0)))) {
            return text;
        }
        return java.util.Arrays.stream(text.split("\n", -1)).map(line -> escaped(line, false, true))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * {@code text} without the terminal's control sequences (ECMA-48 CSI: {@code ESC [}, parameter
     * and intermediate bytes, a final byte), which is how build tools colour their output
     * ({@code \u001b[1;31mERROR\u001b[m}) when they believe a terminal reads it. A lone escape or
     * any other control character stays, for {@link #lines} to escape.
     */
    public static String withoutColours(String text) {
        int escape = text.indexOf('\u001b');
        if (escape < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (escape >= 0) {
            int end = escape + 2;
            if (end <= text.length() && text.charAt(escape + 1) == '[') {
                while (end < text.length() && text.charAt(end) >= 0x20 && text.charAt(end) <= 0x3f) {
                    end++;
                }
                if (end < text.length() && text.charAt(end) >= 0x40 && text.charAt(end) <= 0x7e) {
                    out.append(text, from, escape);
                    from = end + 1;
                }
            }
            escape = text.indexOf('\u001b', Math.max(from, escape + 1));
        }
        return out.append(text, from, text.length()).toString();
    }

    private static String escaped(String text, boolean backslashes) {
        return escaped(text, backslashes, false);
    }

    private static String escaped(String text, boolean backslashes, boolean keepTabs) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append(backslashes ? "\\\\" : "\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append(keepTabs ? "\t" : "\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                        out.append(String.format("\\x%02x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
