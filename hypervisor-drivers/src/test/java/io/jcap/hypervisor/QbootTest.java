package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QbootTest {
    @TempDir
    Path dir;

    @Test
    void firmwareLookup_takesTheFirstPlaceThatHoldsAFile() throws Exception {
        Path missing = dir.resolve("missing.rom");
        Path folder = Files.createDirectories(dir.resolve("folder.rom"));
        Path rom = Files.write(dir.resolve("qboot.rom"), new byte[] {1});

        assertEquals(Optional.of(rom), Ovmf.find(List.of(missing, folder, rom)));
    }

    @Test
    void firmwareLookup_nothingInstalled_isEmpty() {
        assertEquals(Optional.empty(), Ovmf.find(List.of(dir.resolve("qboot.rom"))));
    }

    @Test
    void places_beginWithDebiansQemuSystemData() {
        assertEquals(Path.of("/usr/share/qemu/qboot.rom"), Qboot.PLACES.get(0));
    }
}
