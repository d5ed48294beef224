package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void of_escapesControlCharactersAndBackslashes_keepsTheRest() {
        assertEquals("a\\nb\\\\c\\x1b[2J\\t\\r\\x7f\\x9b é ✓", Printable.of("a\nb\\c\u001b[2J\t\r\u007f\u009b é ✓"));
        assertEquals("/usr/bin/env", Printable.of("/usr/bin/env"));
    }

    /** A message of several lines keeps its lines and tabs; an escape sequence quoted in it is escaped. */
    @Test
    void lines_keepsLineFeedsAndTabs_escapesTheOtherControls() {
        assertEquals("skipped device node /bin/a\\x1b]0;PWN\\x07\nnext\tline\\r\n",
                Printable.lines("skipped device node /bin/a\u001b]0;PWN\u0007\nnext\tline\r\n"));
        String plain = "two\nlines with a \\ backslash";
        assertEquals(plain, Printable.lines(plain));
        assertEquals("\n\\x9b\n", Printable.lines("\n\u009b\n"));
    }

    /** A shell-quoted command line keeps its backslashes: pasted, it gives what the guest receives. */
    @Test
    void controls_escapesControlCharacters_butLeavesBackslashes() {
        assertEquals("'-Dx=it'\\''s a\\b' \\x1b", Printable.controls("'-Dx=it'\\''s a\\b' \u001b"));
    }
}
