package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import io.jcap.testsupport.TestSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies of a remote domain's console over a real sshd on 127.0.0.1 (the "remote" file is a file
 * of this machine): only new bytes travel, a copy by another connection (another jcap command)
 * goes on where the copy ends, an empty file gets its empty copy, and a file that cannot be read
 * fails and leaves none.
 */
@Requires(Component.SSHD)
class RemoteConsoleIT {
    @TempDir
    Path dir;
    private TestSshd sshd;

    @BeforeEach
    void startSshd() throws Exception {
        sshd = TestSshd.start(Files.createDirectory(dir.resolve("sshd")));
    }

    @AfterEach
    void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void copyNew_appendsWhatTheRemoteFileGained_whicheverConnectionCopies() throws Exception {
        Path remote = dir.resolve("console.log");
        byte[] first = new byte[600 * 1024];
        new Random(7).nextBytes(first);
        Files.write(remote, first);
        Path copy = dir.resolve("copy.log");
        LibvirtUri uri = LibvirtUri.parse(sshd.libvirtSshUri());

        try (RemoteConsole one = RemoteConsole.open(uri); RemoteConsole two = RemoteConsole.open(uri)) {
            assertEquals(first.length, one.copyNew(remote.toString(), copy));
            assertEquals(0, one.copyNew(remote.toString(), copy));
            Files.write(remote, "a new line\n".getBytes(), StandardOpenOption.APPEND);
            // Another connection, as another jcap command: it goes on where the copy ends.
            assertEquals(11, two.copyNew(remote.toString(), copy));
            assertEquals(0, one.copyNew(remote.toString(), copy));

            assertArrayEquals(Files.readAllBytes(remote), Files.readAllBytes(copy));
            IOException gone = assertThrows(IOException.class, () -> one.copyNew(dir.resolve("none").toString(),
                    dir.resolve("none.copy")));
            assertTrue(gone.getMessage().startsWith("cannot read 127.0.0.1:" + dir.resolve("none") + ": ")
                    && gone.getMessage().endsWith("No such file"), gone.getMessage());
            assertFalse(Files.exists(dir.resolve("none.copy")), "no copy of a file that could not be read");
            // An empty console (a guest that printed nothing yet) has its empty copy: jcap logs -f follows it.
            Files.createFile(dir.resolve("empty.log"));
            assertEquals(0, one.copyNew(dir.resolve("empty.log").toString(), dir.resolve("empty.copy")));
            assertEquals(0, Files.size(dir.resolve("empty.copy")));
        }
    }
}
