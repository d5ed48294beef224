package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void columns_areAsWideAsTheirWidestCell_twoSpacesApart_theLastUnpadded() {
        TextTable table = new TextTable("NAME", "SIZE", "KERNEL", "FROM").alignRight(1);
        table.add("hello", "13.4 MiB", "linux", "built");
        table.add("a-rather-long-image-name-of-30", "3.4 MiB", "linux-mini", "registry.example/x@sha256:ab");
        assertEquals("""
                NAME                                SIZE  KERNEL      FROM
                hello                           13.4 MiB  linux       built
                a-rather-long-image-name-of-30   3.4 MiB  linux-mini  registry.example/x@sha256:ab
                """, printed(table));
    }

    @Test
    void headersOnly_printsTheHeaderLine() {
        assertEquals("NAME  IMAGE\n", printed(new TextTable("NAME", "IMAGE")));
    }

    @Test
    void aRowOfTheWrongLength_isRefused() {
        TextTable table = new TextTable("NAME", "IMAGE");
        assertThrows(IllegalArgumentException.class, () -> table.add("only-one"));
    }

    private static String printed(TextTable table) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            table.print(out);
        }
        return text.toString().replace(System.lineSeparator(), "\n");
    }
}
