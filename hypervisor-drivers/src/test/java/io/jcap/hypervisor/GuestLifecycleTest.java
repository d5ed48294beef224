package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EventSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuestLifecycleTest {
    private final List<String> events = new ArrayList<>();
    private final EventSink sink = new EventSink() {
        @Override
        public void log(Level level, String message) {
            events.add(level + " " + message);
        }

        @Override
        public void progress(String task, long done, long total) {
        }
    };
    private ServerSocket taken;

    @BeforeEach
    void takeAPort() throws Exception {
        taken = new ServerSocket();
        taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void freeThePort() throws Exception {
        taken.close();
    }

    private static VmSpec forwarding(PortForward forward) {
        return VmSpec.builder().userNetwork(forward).build();
    }

    @Test
    void start_pickedPortTaken_startsAgainWithAnotherPort() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true).withEvents(sink)
                .withPortSupplier(() -> asked.getAndIncrement() == 0 ? taken.getLocalPort() : Ports.freeLoopbackPort())) {
            guest.start();

            assertEquals(2, guest.launches.get());
            assertNotEquals(taken.getLocalPort(), guest.hostPort(80));
            assertTrue(guest.isAlive());
            assertEquals(List.of("DEBUG A forwarded host port was taken; starting toy guest again with another"
                    + " (attempt 2 of 5)"), events);
        }
    }

    @Test
    void start_portTakenEveryTime_givesUpAfterFiveAttemptsAndCloses() {
        ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true).withPortSupplier(taken::getLocalPort);

        VmException e = assertThrows(VmException.class, guest::start);

        assertEquals(GuestLifecycle.HOSTFWD_FAILURE + " tcp:127.0.0.1:" + taken.getLocalPort(), e.summary());
        assertEquals(GuestLifecycle.START_ATTEMPTS, guest.launches.get());
        assertEquals(1, guest.releases.get());
    }

    @Test
    void start_fixedPortTaken_failsAtOnceWithoutAskingForAnother() {
        AtomicInteger asked = new AtomicInteger();
        ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(taken.getLocalPort(), 80)), true)
                .withPortSupplier(() -> asked.incrementAndGet());

        assertThrows(VmException.class, guest::start);

        assertEquals(1, guest.launches.get());
        assertEquals(0, asked.get());
        assertEquals(1, guest.releases.get());
    }

    @Test
    void close_calledTwice_stopsAndReleasesOnce() throws Exception {
        ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true);
        guest.start();

        guest.close();
        guest.close();

        assertEquals(1, guest.powerButtonPresses.get());
        assertEquals(0, guest.hardStops.get());
        assertEquals(1, guest.releases.get());
        assertFalse(guest.isAlive());
    }

    @Test
    void close_guestIgnoresThePowerButton_stopsItHarderAfterTheStopTimeout() throws Exception {
        ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), false).withEvents(sink)
                .withStopTimeout(Duration.ofMillis(50));
        guest.start();

        guest.close();

        assertEquals(1, guest.powerButtonPresses.get());
        assertEquals(1, guest.hardStops.get());
        assertEquals(List.of("DEBUG The guest did not power off within 50 ms; stopping toy guest"), events);
    }

    @Test
    void close_zeroStopTimeout_skipsThePowerButton() throws Exception {
        ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true).withStopTimeout(Duration.ZERO);
        guest.start();

        guest.close();

        assertEquals(0, guest.powerButtonPresses.get());
        assertEquals(1, guest.hardStops.get());
    }

    @Test
    void close_guestAlreadyEnded_onlyReleases() throws Exception {
        ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true);
        guest.start();
        guest.end(0);

        guest.close();

        assertEquals(0, guest.powerButtonPresses.get());
        assertEquals(0, guest.hardStops.get());
        assertEquals(1, guest.releases.get());
    }

    @Test
    void options_afterStart_areRefused() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true)) {
            guest.start();

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> guest.withEvents(sink));
            assertEquals("the VM was already started", e.getMessage());
            assertThrows(IllegalStateException.class, guest::start);
        }
    }

    @Test
    void awaitLine_beforeStart_isRefused() {
        ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> guest.awaitLine(Pattern.compile("READY"), Duration.ofSeconds(1)));
        assertEquals("the VM has not been started", e.getMessage());
    }

    @Test
    void awaitLine_successiveWaits_returnLinesInOrder() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true)) {
            guest.start();
            guest.print("JCAP-READY port=80");
            guest.print("JCAP-READY port=81");

            assertEquals("JCAP-READY port=80", guest.awaitLine(Pattern.compile("^JCAP-READY"), Duration.ofSeconds(5)));
            assertEquals("JCAP-READY port=81", guest.awaitLine(Pattern.compile("^JCAP-READY"), Duration.ofSeconds(5)));
        }
    }

    @Test
    void awaitLine_lineNeverComes_stopsTheGuestAndSaysWhichLine() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true)) {
            guest.start();
            guest.print("booting");

            VmException e = assertThrows(VmException.class,
                    () -> guest.awaitLine(Pattern.compile("^JCAP-READY"), Duration.ofMillis(20)));

            assertEquals("no a line matching /^JCAP-READY/", e.summary());
            assertEquals(List.of("booting"), e.consoleTail());
            assertFalse(guest.isAlive());
        }
    }

    @Test
    void awaitExit_guestPowersOff_returnsItsStatus() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true)) {
            guest.start();
            guest.end(7);

            assertEquals(7, guest.awaitExit(Duration.ofSeconds(5)));
        }
    }

    @Test
    void awaitExit_guestRunsOn_stopsItAfterTheBound() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true)) {
            guest.start();

            VmException e = assertThrows(VmException.class, () -> guest.awaitExit(Duration.ofMillis(20)));

            assertEquals("toy guest did not exit within 20 ms; it was stopped", e.summary());
            assertFalse(guest.isAlive());
        }
    }

    @Test
    void awaitExitOnceFinished_guestPowersOffAfterFinishing_returnsItsStatus() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true).withEvents(sink)) {
            guest.start();
            guest.end(0);

            assertEquals(OptionalInt.of(0), guest.awaitExitOnceFinished(() -> true, Duration.ofSeconds(5),
                    Duration.ofSeconds(5)));
            assertEquals(List.of(), events);
        }
    }

    @Test
    void awaitExitOnceFinished_finishedGuestStuckInPowerOff_isStoppedAfterTheGrace() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true).withEvents(sink)) {
            guest.start();

            OptionalInt status = guest.awaitExitOnceFinished(() -> true, Duration.ofMillis(50), Duration.ofDays(1));

            assertEquals(OptionalInt.empty(), status);
            assertFalse(guest.isAlive());
            assertEquals(0, guest.powerButtonPresses.get());
            assertEquals(1, guest.hardStops.get());
            assertEquals(List.of("WARN The guest finished but did not power off within 50 ms; stopping toy guest"),
                    events);
        }
    }

    @Test
    void awaitExitOnceFinished_guestNeverFinishes_isStoppedAtTheTimeoutWithAnError() throws Exception {
        try (ToyGuest guest = new ToyGuest(forwarding(PortForward.tcp(0, 80)), true)) {
            guest.start();

            VmException e = assertThrows(VmException.class,
                    () -> guest.awaitExitOnceFinished(() -> false, Duration.ofMillis(1), Duration.ofMillis(50)));

            assertEquals("toy guest did not exit within 50 ms; it was stopped", e.summary());
            assertFalse(guest.isAlive());
        }
    }
}
