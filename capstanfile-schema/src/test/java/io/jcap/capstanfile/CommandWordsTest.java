package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandWordsTest {
    @Test
    void split_atWhiteSpace_likeCapstan() {
        assertEquals(List.of("mvn", "-q", "package"), CommandWords.split("  mvn\t-q   package "));
    }

    @Test
    void split_quotesGroupWordsAndBackslashEscapes() {
        assertEquals(List.of("sh", "-c", "make all", "it's", "a\"b"),
                CommandWords.split("sh -c 'make all' it\\'s \"a\\\"b\""));
        assertEquals(List.of("echo", ""), CommandWords.split("echo ''"));
    }

    @Test
    void join_anyWords_splitBackToTheSameWords() {
        List<String> words = List.of("/usr/bin/redis-server", "--save", "", "a b", "it's", "a\"b\\c", "x=1,y:2");
        assertEquals("/usr/bin/redis-server --save \"\" \"a b\" \"it's\" \"a\\\"b\\\\c\" x=1,y:2",
                CommandWords.join(words));
        assertEquals(words, CommandWords.split(CommandWords.join(words)));
    }

    @Test
    void split_quotedShellOperator_isAnOrdinaryWord() {
        assertEquals(List.of("echo", "&&"), CommandWords.splitBuild("echo '&&'"));
    }

    @Test
    void split_shellOperator_suggestsShellList() {
        assertEquals("'make > log' uses shell syntax (>) but runs without a shell: write build: [sh, -c, \"make > log\"]",
                assertThrows(IllegalArgumentException.class, () -> CommandWords.splitBuild("make > log")).getMessage());
    }

    @Test
    void split_unclosedQuote_isRefused() {
        assertEquals("'make \"all' has an unclosed \" quote",
                assertThrows(IllegalArgumentException.class, () -> CommandWords.split("make \"all")).getMessage());
    }

    @Test
    void split_commandLine_keepsShellOperatorsAsWords() {
        assertEquals(List.of("/app/x", "a b", "c\"d", "e f", "$HOME", ">"),
                CommandWords.split("  /app/x 'a b' \"c\\\"d\" e\\ f '$HOME' > "));
    }

    @Test
    void split_emptyCommandLine_givesNoWords() {
        assertEquals(List.of(), CommandWords.split("   "));
    }

    @Test
    void splitBuild_empty_isRefused() {
        assertEquals("the build command is empty",
                assertThrows(IllegalArgumentException.class, () -> CommandWords.splitBuild(" ")).getMessage());
    }
}
