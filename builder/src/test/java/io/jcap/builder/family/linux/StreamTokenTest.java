package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamTokenTest {
    @TempDir
    Path work;

    @Test
    void create_writesAnOwnerOnlyFileOfHexDigitsForTheGuestsFwCfg() throws Exception {
        BuilderVm.StreamToken token = BuilderVm.StreamToken.create(work);

        Path file = work.resolve("stream-token");
        assertEquals(file, token.file().file());
        assertEquals("opt/io.jcap/token", token.file().name());
        assertArrayEquals(token.bytes(), Files.readAllBytes(file));
        assertTrue(new String(token.bytes(), StandardCharsets.US_ASCII).matches("[0-9a-f]{64}\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void create_again_makesAnotherTokenInPlaceOfTheFirst_neverWritingThroughALink() throws Exception {
        BuilderVm.StreamToken first = BuilderVm.StreamToken.create(work);
        BuilderVm.StreamToken second = BuilderVm.StreamToken.create(work);
        assertFalse(Arrays.equals(first.bytes(), second.bytes()));
        assertArrayEquals(second.bytes(), Files.readAllBytes(work.resolve("stream-token")));

        Path elsewhere = Files.writeString(work.resolve("elsewhere"), "kept");
        Files.delete(work.resolve("stream-token"));
        Files.createSymbolicLink(work.resolve("stream-token"), elsewhere);
        BuilderVm.StreamToken third = BuilderVm.StreamToken.create(work);
        assertEquals("kept", Files.readString(elsewhere));
        assertFalse(Files.isSymbolicLink(work.resolve("stream-token")));
        assertArrayEquals(third.bytes(), Files.readAllBytes(work.resolve("stream-token")));
    }
}
