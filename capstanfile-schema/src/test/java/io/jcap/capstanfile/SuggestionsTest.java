package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("base", "cmdline", "build", "files", "fs", "size", "memory",
            "cpus", "ports");

    @Test
    void closest_typosWithinTwoEdits_areFound() {
        assertEquals(Optional.of("cmdline"), Suggestions.closest("cmdlin", KEYS));
        assertEquals(Optional.of("memory"), Suggestions.closest("memroy", KEYS));
        assertEquals(Optional.of("size"), Suggestions.closest("siez", KEYS));
        assertEquals(Optional.of("ports"), Suggestions.closest("port", KEYS));
    }

    @Test
    void closest_prefixOfKey_isFound() {
        assertEquals(Optional.of("memory"), Suggestions.closest("mem", KEYS));
    }

    @Test
    void closest_unrelatedWord_findsNothing() {
        assertEquals(Optional.empty(), Suggestions.closest("foo", KEYS));
        assertEquals(Optional.empty(), Suggestions.closest("x", KEYS));
    }

    @Test
    void distance_countsSwapAsOneEdit() {
        assertEquals(1, Suggestions.distance("memroy", "memory"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(0, Suggestions.distance("", ""));
    }
}
