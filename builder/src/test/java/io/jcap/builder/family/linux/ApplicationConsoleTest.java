package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.VmException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplicationConsoleTest {
    private final List<String> output = new ArrayList<>();
    private final ApplicationConsole console = new ApplicationConsole(output::add, false);

    @Test
    void accept_bootThenOutputThenExit_passesOnTheOutputAndEndsWithItsStatus() throws Exception {
        console.accept("[    0.1] Linux version 6.1");
        console.accept("JCAP-START");
        assertFalse(console.applicationEnded());
        console.accept("hello");
        console.accept("JCAP-EXIT 3");

        assertTrue(console.applicationEnded());
        assertEquals(List.of("hello"), output);
        assertEquals(3, console.exitStatus(0, List.of()));
    }

    @Test
    void exitStatus_guestStoppedBeforeItsApplication_saysSo() {
        console.accept("[    0.1] Linux version 6.1");

        assertFalse(console.applicationEnded());
        VmException e = assertThrows(VmException.class, () -> console.exitStatus(0, List.of()));
        assertEquals("the image stopped before its application started", e.summary());
    }
}
