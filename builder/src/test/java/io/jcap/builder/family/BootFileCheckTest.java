package io.jcap.builder.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootFileCheckTest {
    @TempDir
    Path dir;

    @Test
    void await_filesMatchingTheirSums_passes_aChangedOneIsNamed() throws Exception {
        byte[] kernel = "kernel".getBytes(StandardCharsets.US_ASCII);
        Files.write(dir.resolve("loader.elf"), kernel);
        Files.writeString(dir.resolve("initrd.img"), "initrd");
        Map<String, Sha256> sums = Map.of("loader.elf", Sha256.of(kernel),
                "initrd.img", Sha256.of("initrd".getBytes(StandardCharsets.US_ASCII)));

        BootFileCheck.start(dir, sums).await("app");

        Files.writeString(dir.resolve("loader.elf"), "tampered");
        JcapException e = assertThrows(JcapException.class, () -> BootFileCheck.start(dir, sums).await("app"));
        assertEquals("image 'app': " + dir.resolve("loader.elf") + " does not match the SHA-256 recorded when the image"
                + " was built: build it again with jcap build --force, or run it with --boot disk", e.getMessage());
    }
}
