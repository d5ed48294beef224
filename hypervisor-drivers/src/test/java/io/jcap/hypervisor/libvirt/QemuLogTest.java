package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuLogTest {
    /** Two starts of one domain, as libvirt 9.0 logs them: the first failed on its port, the second was destroyed. */
    static final String LOG = """
            2026-12-07 07:40:28.101+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.22
            LC_ALL=C \\
            /usr/bin/qemu-system-x86_64 \\
            -name guest=jcap-clash-1a2b3c4d,debug-threads=on \\
            -netdev user,id=jcapnet0,hostfwd=tcp:127.0.0.1:41859-:10000 \\
            -msg timestamp=on
            char device redirected to /dev/pts/0 (label charserial0)
            2026-12-07T07:40:28.390494Z qemu-system-x86_64: -netdev user,id=jcapnet0,hostfwd=tcp:127.0.0.1:41859-:10000: \
            Could not set up host forwarding rule 'tcp:127.0.0.1:41859-:10000'
            2026-12-07 07:40:28.392+0000: shutting down, reason=failed
            """;
    static final String PORT_LINE = "qemu-system-x86_64: -netdev user,id=jcapnet0,hostfwd=tcp:127.0.0.1:41859-:10000:"
            + " Could not set up host forwarding rule 'tcp:127.0.0.1:41859-:10000'";

    @TempDir
    Path dir;

    @Test
    void lastStartErrors_areQemusOwnLinesWithoutTheirTimeStamps() {
        assertEquals(List.of(PORT_LINE), QemuLog.lastStartErrors(LOG));
    }

    @Test
    void lastStartErrors_ofALaterStartThatWasDestroyed_areNone() {
        String later = LOG + """
                2026-12-07 07:40:30.406+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.22
                -msg timestamp=on
                char device redirected to /dev/pts/0 (label charserial0)
                2026-12-07T07:40:30.666261Z qemu-system-x86_64: terminating on signal 15 from pid 9948 (libvirtd)
                2026-12-07 07:40:32.468+0000: shutting down, reason=destroyed
                """;

        assertEquals(List.of(), QemuLog.lastStartErrors(later));
    }

    @Test
    void explain_messageWithoutQemusReason_getsItFromTheLog() throws Exception {
        Path log = Files.writeString(dir.resolve("jcap-clash-1a2b3c4d.log"), LOG);
        List<String> notes = new ArrayList<>();

        String said = QemuLog.explain("failed to connect to monitor socket: Connection refused", files(), log.toString(),
                "jcap-clash-1a2b3c4d", notes::add);

        assertEquals("failed to connect to monitor socket: Connection refused (QEMU's log: " + PORT_LINE + ")", said);
        assertEquals(List.of(), notes);
    }

    @Test
    void explain_messageHoldingQemusReasonAlready_staysAsItIs() throws Exception {
        Path log = Files.writeString(dir.resolve("d.log"), LOG);
        String libvirts = "internal error: process exited while connecting to monitor: " + PORT_LINE.substring(20);

        assertEquals(libvirts, QemuLog.explain(libvirts, files(), log.toString(), "d", note -> { }));
    }

    @Test
    void explain_logMissingOrUnreadable_leavesTheMessage_andSaysWhyWhenUnreadable() throws Exception {
        List<String> notes = new ArrayList<>();
        assertEquals("m", QemuLog.explain("m", files(), dir.resolve("none.log").toString(), "d", notes::add));
        assertEquals(List.of(), notes);

        Path folder = Files.createDirectories(dir.resolve("a-folder.log"));
        assertEquals("m", QemuLog.explain("m", files(), folder.toString(), "d", notes::add));
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("cannot read QEMU's log " + folder + " for why domain d did not start: "),
                notes.toString());
    }

    private LocalHostFiles files() {
        return new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM);
    }
}
