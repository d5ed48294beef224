package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.GuestPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostNamesTest {
    private static final Path FILE = Path.of("/p/rootfs/x");

    @Test
    void guestPath_keepsABackslashInItsName() throws Exception {
        Path base = Path.of("/p/rootfs");

        assertEquals(GuestPath.of("/data/x\\y"), HostNames.guestPath(base, base.resolve("data/x\\y"), GuestPath.ROOT));
        assertEquals(GuestPath.of("/opt/d/\\"), HostNames.guestPath(base, base.resolve("d/\\"), GuestPath.of("/opt")));
        assertEquals(GuestPath.of("/opt"), HostNames.guestPath(base, base, GuestPath.of("/opt")));
    }

    @Test
    void checkUtf8_underAUtf8Jvm_refusesWhatItCouldNotDecode() {
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> HostNames.checkUtf8(FILE, "x\uFFFD", "its name", StandardCharsets.UTF_8));

        assertEquals("/p/rootfs/x: its name is not valid UTF-8: names must be UTF-8 (the guest's names are); rename it",
                e.getMessage());
        assertDoesNotThrow(() -> HostNames.checkUtf8(FILE, "\u00e4\u00f6", "its name", StandardCharsets.UTF_8));
    }

    /** LANG=C: the JVM reads every byte over 127 as U+FFFD, so "ä" and "ö" came out as the same name. */
    @Test
    void checkUtf8_underAnAsciiLocale_refusesEveryNameButAscii_sayingWhichLocaleToUse() {
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> HostNames.checkUtf8(FILE, "\uFFFD\uFFFD", "its name", StandardCharsets.US_ASCII));

        assertEquals("/p/rootfs/x: its name does not read as UTF-8 here: this JVM decodes names as US-ASCII"
                + " (sun.jnu.encoding, from the locale); names must be UTF-8 and the locale a UTF-8 one (e.g."
                + " LANG=C.UTF-8)", e.getMessage());
        assertDoesNotThrow(() -> HostNames.checkUtf8(FILE, "plain.txt", "its name", StandardCharsets.US_ASCII));
    }

    /** Latin-1 decodes every byte: the UTF-8 name "ä" (C3 A4) reads as "Ã¤", with no U+FFFD to tell. */
    @Test
    void checkUtf8_underALatin1Locale_refusesWhatItReadOtherwiseThanUtf8Would() {
        assertThrows(FileSystemException.class,
                () -> HostNames.checkUtf8(FILE, "\u00c3\u00a4", "its name", StandardCharsets.ISO_8859_1));
        assertDoesNotThrow(() -> HostNames.checkUtf8(FILE, "plain.txt", "its name", StandardCharsets.ISO_8859_1));
    }
}
