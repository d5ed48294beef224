package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineWordsTest {
    @Test
    void split_quotesAndEscapes_likeAShell() {
        assertEquals(List.of("/app/x", "a b", "c\"d", "e f", "$HOME"),
                CommandLineWords.split("  /app/x 'a b' \"c\\\"d\" e\\ f '$HOME' "));
    }

    @Test
    void split_emptyQuotes_giveAnEmptyWord() {
        assertEquals(List.of("/a", "", "b"), CommandLineWords.split("/a '' b"));
    }

    @Test
    void split_unbalancedQuote_isAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandLineWords.split("/a 'b"));
        assertEquals("unbalanced ' quote in command line: /a 'b", e.getMessage());
    }
}
