package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProcessTest {
    @TempDir
    Path proc;

    private static String stat(String comm, char state, long start) {
        return "4242 (" + comm + ") " + state + " 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 " + start
                + " 123456 789 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0\n";
    }

    private void write(long pid, String text) throws Exception {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(proc.resolve(Long.toString(pid)).resolve("stat"), text);
    }

    @Test
    void parse_commandWithSpacesAndParentheses_readsStateAndStartTime() {
        Optional<HostProcess.Stat> stat = HostProcess.Stat.parse(stat("qemu (x) y", 'S', 987654));

        assertEquals(Optional.of(new HostProcess.Stat('S', 987654)), stat);
    }

    @Test
    void isRunning_sameStartTime_isTrue() throws Exception {
        write(4242, stat("qemu-system-x86", 'S', 5000));

        assertTrue(new HostProcess(4242, 5000).isRunning(proc));
    }

    @Test
    void isRunning_pidReusedByALaterProcess_isFalse() throws Exception {
        write(4242, stat("bash", 'R', 9000));

        assertFalse(new HostProcess(4242, 5000).isRunning(proc));
    }

    @Test
    void isRunning_zombie_isFalse() throws Exception {
        write(4242, stat("qemu-system-x86", 'Z', 5000));

        assertFalse(new HostProcess(4242, 5000).isRunning(proc));
        assertEquals(Optional.empty(), HostProcess.of(proc, 4242));
    }

    @Test
    void isRunning_noSuchPid_isFalse() {
        assertFalse(new HostProcess(4242, 5000).isRunning(proc));
    }

    @Test
    void of_thisJvm_isRunning() {
        HostProcess self = HostProcess.of(ProcessHandle.current().pid()).orElseThrow();

        assertTrue(self.isRunning());
        assertFalse(new HostProcess(self.pid(), self.startTicks() + 1).isRunning());
    }
}
