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
    void accept_outputWithoutNewlines_isCutAtMaxLine() {
        feed("x".repeat(ConsoleLineSplitter.MAX_LINE * 2 + 1));
        splitter.finish();
        assertEquals(List.of("x".repeat(ConsoleLineSplitter.MAX_LINE), "x".repeat(ConsoleLineSplitter.MAX_LINE), "x"),
                lines);
    }

    @Test
    void accept_multiByteCharacters_areDecodedAsUtf8() {
        feed("grüße\n");
        assertEquals(List.of("grüße"), lines);
    }
}
