package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleLogTest {
    @Test
    void tail_overCapacity_keepsNewestLines() {
        ConsoleLog log = new ConsoleLog(3);
        for (String line : List.of("a", "b", "c", "d", "e")) {
            log.append(line);
        }

        assertEquals(List.of("c", "d", "e"), log.tail());
        assertEquals(List.of("d", "e"), log.tail(2));
        assertEquals(5, log.lineCount());
    }

    @Test
    void await_fromIndex_skipsEarlierMatches() throws InterruptedException {
        ConsoleLog log = new ConsoleLog(10);
        log.append("READY 1");
        log.append("noise");
        log.append("READY 2");

        Optional<ConsoleLog.Line> first = log.await(0, l -> l.startsWith("READY"), Instant.now());
        Optional<ConsoleLog.Line> second = log.await(first.orElseThrow().index() + 1, l -> l.startsWith("READY"),
                Instant.now());

        assertEquals(new ConsoleLog.Line(0, "READY 1"), first.orElseThrow());
        assertEquals(new ConsoleLog.Line(2, "READY 2"), second.orElseThrow());
    }

    @Test
    void await_lineFromAnotherThread_returnsIt() throws InterruptedException {
        ConsoleLog log = new ConsoleLog(10);
        Thread writer = new Thread(() -> {
            log.append("booting");
            log.append("JCAP-READY port=10000");
        });
        writer.start();

        Optional<ConsoleLog.Line> ready = log.await(0, l -> l.startsWith("JCAP-READY"), Instant.now().plusSeconds(30));

        writer.join();
        assertEquals("JCAP-READY port=10000", ready.orElseThrow().text());
    }

    @Test
    void await_streamEndedWithoutMatch_returnsEmptyBeforeDeadline() throws InterruptedException {
        ConsoleLog log = new ConsoleLog(10);
        log.append("kernel panic");
        log.end();

        Optional<ConsoleLog.Line> line = log.await(0, l -> l.equals("JCAP-READY"), Instant.now().plusSeconds(3600));

        assertTrue(line.isEmpty());
        assertTrue(log.ended());
    }

    @Test
    void awaitNext_goesOnPastTheLineItReturnedLast() throws VmException {
        ConsoleLog log = new ConsoleLog(10);
        log.append("READY 1");
        log.append("noise");
        log.append("READY 2");
        log.end();

        Optional<String> first = log.awaitNext("a ready line", l -> l.startsWith("READY"), Duration.ofSeconds(5));
        Optional<String> second = log.awaitNext("a ready line", l -> l.startsWith("READY"), Duration.ofSeconds(5));
        Optional<String> third = log.awaitNext("a ready line", l -> l.startsWith("READY"), Duration.ofSeconds(5));

        assertEquals(Optional.of("READY 1"), first);
        assertEquals(Optional.of("READY 2"), second);
        assertEquals(Optional.empty(), third);
    }

    @Test
    void awaitNext_interrupted_isAVmExceptionNamingTheLine() {
        ConsoleLog log = new ConsoleLog(10);
        log.append("booting");
        Thread.currentThread().interrupt();

        VmException e = assertThrows(VmException.class,
                () -> log.awaitNext("the ready line", l -> l.startsWith("READY"), Duration.ofSeconds(5)));

        assertEquals("interrupted while waiting for the ready line", e.summary());
        assertEquals(List.of("booting"), e.consoleTail());
        assertTrue(Thread.interrupted());
    }
}
