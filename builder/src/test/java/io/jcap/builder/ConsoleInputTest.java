package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConsoleInputTest {
    @Test
    void pass_linesThenTheEnd_givesOneEndOfFileAfterALineFeed() {
        assertArrayEquals("one\ntwo\n\u0004".getBytes(StandardCharsets.US_ASCII), passed("one\ntwo\n"));
    }

    @Test
    void pass_aPartOfALineAtTheEnd_givesTwo_theFirstEndsTheLine() {
        assertArrayEquals("one\ntwo\u0004\u0004".getBytes(StandardCharsets.US_ASCII), passed("one\ntwo"));
    }

    @Test
    void pass_noInput_givesEndOfFileAlone() {
        assertArrayEquals(new byte[] {ConsoleInput.END_OF_FILE}, passed(""));
    }

    @Test
    void pass_waitsForTheApplicationsStart() {
        AtomicInteger asked = new AtomicInteger();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ConsoleInput.pass(new ByteArrayInputStream("x\n".getBytes(StandardCharsets.US_ASCII)), console,
                () -> asked.incrementAndGet() > 3, () -> false);
        assertEquals(4, asked.get());
        assertEquals("x\n\u0004", console.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void pass_runOverBeforeTheApplicationStarted_passesNothing() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ConsoleInput.pass(new ByteArrayInputStream("x\n".getBytes(StandardCharsets.US_ASCII)), console, () -> false,
                () -> true);
        assertEquals(0, console.size());
    }

    private static byte[] passed(String input) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ConsoleInput.pass(new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)), console, () -> true,
                () -> false);
        return console.toByteArray();
    }
}
