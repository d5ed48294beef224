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

    /** A build tool's colours go; what is not a complete control sequence stays, for {@link Printable#lines}. */
    @Test
    void withoutColours_dropsControlSequences_keepsTheRest() {
        assertEquals("[INFO] BUILD FAILURE", Printable.withoutColours(
                "[\u001b[1;34mINFO\u001b[m] \u001b[1;31mBUILD FAILURE\u001b[m"));
        assertEquals("erased: ", Printable.withoutColours("erased: \u001b[2K\u001b[?25l"));
        assertEquals("title \u001b]0;x\u0007 lone \u001b end \u001b[", Printable.withoutColours(
                "title \u001b]0;x\u0007 lone \u001b end \u001b["));
        assertEquals("unfinished \u001b[12\u0001", Printable.withoutColours("unfinished \u001b[12\u0001"));
        assertEquals("plain", Printable.withoutColours("plain"));
    }
}
