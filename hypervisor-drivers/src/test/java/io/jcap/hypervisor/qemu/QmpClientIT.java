package io.jcap.hypervisor.qemu;

import static io.jcap.hypervisor.qemu.QemuTestSupport.BOOT;
import static io.jcap.hypervisor.qemu.QemuTestSupport.SPIN_LINE;
import static io.jcap.hypervisor.qemu.QemuTestSupport.bootSectorSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.hypervisor.BootSector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpClientIT {
    private QemuInstallation qemu;
    private QemuVm vm;

    @BeforeEach
    void startSpinningGuest(@TempDir Path dir) throws Exception {
        qemu = QemuTestSupport.qemu();
        vm = new QemuVm(qemu, bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build())
                .withStopTimeout(Duration.ZERO);
        vm.start();
        vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);
    }

    @AfterEach
    void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void queryStatus_haltedGuest_isRunning() throws Exception {
        assertEquals("running", vm.qmp().queryStatus());
    }

    @Test
    void greeting_namesTheInstalledVersion() {
        JsonNode version = vm.qmp().greeting().path("QMP").path("version").path("qemu");

        assertEquals(qemu.version(), new QemuVersion(version.path("major").asInt(), version.path("minor").asInt(),
                version.path("micro").asInt()));
    }

    @Test
    void execute_unknownCommand_throwsQemuError() {
        QmpException e = assertThrows(QmpException.class, () -> vm.qmp().execute("no-such-command", Map.of()));

        assertEquals("QMP command 'no-such-command' failed: CommandNotFound: The command no-such-command has not"
                + " been found", e.getMessage());
    }

    @Test
    void execute_withArguments_returnsReturnNode() throws Exception {
        JsonNode result = vm.qmp().execute("human-monitor-command", Map.of("command-line", "info version"));

        assertTrue(result.asText().startsWith(qemu.version().toString()), result.asText());
    }

    @Test
    void awaitEvent_afterPowerdown_returnsPowerdownEvent() throws Exception {
        vm.qmp().systemPowerdown();

        JsonNode event = vm.qmp().awaitEvent("POWERDOWN", Duration.ofSeconds(10));

        assertEquals("POWERDOWN", event.path("event").asText());
    }

    @Test
    void quit_qemuExitsAndConnectionCloses() throws Exception {
        vm.qmp().quit();

        assertEquals(0, vm.awaitExit(BOOT));
        assertEquals("SHUTDOWN", vm.qmp().awaitEvent("SHUTDOWN", Duration.ofSeconds(10)).path("event").asText());
    }
}
