package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VmExceptionTest {
    @Test
    void message_longConsole_endsWithLastFifteenLinesIndented() {
        List<String> console = IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).toList();

        VmException e = new VmException("QEMU exited with code 1 before the console showed X", OptionalInt.of(1), console);

        StringBuilder expected = new StringBuilder("QEMU exited with code 1 before the console showed X; last console lines:");
        IntStream.rangeClosed(6, 20).forEach(i -> expected.append("\n    line ").append(i));
        assertEquals(expected.toString(), e.getMessage());
        assertEquals(20, e.consoleTail().size());
        assertEquals(OptionalInt.of(1), e.vmExitCode());
        assertEquals("QEMU exited with code 1 before the console showed X", e.summary());
    }

    @Test
    void message_emptyConsole_saysSo() {
        VmException e = new VmException("QEMU did not exit within 3 s; it was stopped", OptionalInt.empty(), List.of());

        assertEquals("QEMU did not exit within 3 s; it was stopped (the console was empty)", e.getMessage());
    }
}
