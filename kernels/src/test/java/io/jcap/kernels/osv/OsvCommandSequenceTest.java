package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Command lines joined to run in turn: each variable's first value, the loader's options once, ';' between. */
class OsvCommandSequenceTest {
    @Test
    void join_keepsTheFirstValueOfEachVariable_theOptionsOnce_andTheCommandsAsWritten() {
        assertEquals("--rootfs=rofs --env=A=1 --env=B=3 /setup.so --init; /app.so  two  spaces",
                OsvCommandSequence.join(List.of("--rootfs=rofs --env=A=1 /setup.so --init",
                        "--rootfs=rofs --env=A=2 --env=B=3 /app.so  two  spaces")));
    }

    @Test
    void join_oneLine_isThatLine_andLinesWithoutOptionsJoinTheirCommands() {
        assertEquals("--env=A=1 /a", OsvCommandSequence.join(List.of("--env=A=1 /a")));
        assertEquals("/a; /b; /a", OsvCommandSequence.join(List.of("/a", "/b", "/a")));
        assertEquals("--env=EMPTY= /a; /b", OsvCommandSequence.join(List.of("--env=EMPTY= /a", "--env=EMPTY=x /b")));
    }
}
