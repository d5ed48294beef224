package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleLineSplitterTest {
    private final List<String> lines = new ArrayList<>();
    private final ConsoleLineSplitter splitter = new ConsoleLineSplitter(lines::add);

    private void feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        splitter.accept(bytes, bytes.length);
    }

    @Test
    void accept_lfAndCrLf_endLinesWithoutTheirEndings() {
        feed("one\r\ntwo\n\nthree");
        assertEquals(List.of("one", "two", ""), lines);
    }

    @Test
    void finish_unfinishedLine_isPassedOn() {
        feed("last words");
        splitter.finish();
        assertEquals(List.of("last words"), lines);
    }

    @Test
    void finish_afterNewline_passesNothingMore() {
        feed("done\n");
        splitter.finish();
        assertEquals(List.of("done"), lines);
    }

    @Test
    void accept_lineAcrossReads_isJoined() {
        feed("JCAP-");
        feed("READY\n");
        assertEquals(List.of("JCAP-READY"), lines);
    }

    @Test
    void accept_outputWithoutNewlines_isCutOnceAndMarked() {
        feed("x".repeat(ConsoleLineSplitter.MAX_LINE * 2 + 1));
        splitter.finish();
        assertEquals(List.of("x".repeat(8192) + " \u2026 [line cut at 8192 bytes]"), lines);
    }

    @Test
    void accept_longLine_isCutAndMarked_andTheNextLineIsWhole() {
        feed("y".repeat(100_000) + "\nJCAP-EXIT 0\n");
        assertEquals(List.of("y".repeat(8192) + " \u2026 [line cut at 8192 bytes]", "JCAP-EXIT 0"), lines);
    }

    @Test
    void accept_longLineOverManyReads_isCutOnce() {
        for (int i = 0; i < 100; i++) {
            feed("z".repeat(1000));
        }
        feed("\r\nnext\n");
        assertEquals(List.of("z".repeat(8192) + ConsoleLineSplitter.CUT_MARK, "next"), lines);
    }

    @Test
    void accept_lineOfExactlyMaxLine_isWhole() {
        feed("a".repeat(ConsoleLineSplitter.MAX_LINE) + "\n" + "b".repeat(ConsoleLineSplitter.MAX_LINE) + "\r\n");
        assertEquals(List.of("a".repeat(8192), "b".repeat(8192)), lines);
    }

    @Test
    void accept_cutInsideACharacter_keepsWholeCharacters() {
        feed("a" + "\u00e9".repeat(5000) + "\n");
        assertEquals(List.of("a" + "\u00e9".repeat(4095) + ConsoleLineSplitter.CUT_MARK), lines);
    }

    @Test
    void accept_multiByteCharacters_areDecodedAsUtf8() {
        feed("grüße\n");
        assertEquals(List.of("grüße"), lines);
    }
}
