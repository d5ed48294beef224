package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTreeTest {
    @TempDir
    Path temp;

    @Test
    void folder_namedThroughALink_isReadAsTheFolder_andTheLinksInsideStayLinks() throws Exception {
        Path real = Files.createDirectories(temp.resolve("real/etc"));
        Files.writeString(real.resolve("app.conf"), "x");
        Files.createSymbolicLink(real.resolve("link"), Path.of("app.conf"));
        Path named = Files.createSymbolicLink(temp.resolve("rootfs"), temp.resolve("real"));

        List<String> entries = HostTree.folder(named, GuestPath.ROOT).stream()
                .map(e -> e.getClass().getSimpleName() + " " + e.path()).sorted().toList();

        assertEquals(List.of("Directory /etc", "RegularFile /etc/app.conf", "Symlink /etc/link"), entries);
    }

    @Test
    void file_thatIsADeviceOrAFifo_isRefused() throws Exception {
        Path fifo = temp.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        JcapException device = assertThrows(JcapException.class,
                () -> HostTree.file(Path.of("/dev/zero"), GuestPath.of("/app/zero")));
        JcapException pipe = assertThrows(JcapException.class, () -> HostTree.file(fifo, GuestPath.of("/app/fifo")));

        assertEquals("files: /app/zero names /dev/zero, which is not a regular file: jcap copies files, not devices,"
                + " FIFOs or sockets", device.getMessage());
        assertEquals("files: /app/fifo names " + fifo + ", which is not a regular file: jcap copies files, not devices,"
                + " FIFOs or sockets", pipe.getMessage());
        ImageEntry file = HostTree.file(Files.writeString(temp.resolve("plain"), "p"), GuestPath.of("/app/plain"));
        assertEquals(GuestPath.of("/app/plain"), file.path());
    }
}
