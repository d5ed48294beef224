package io.jcap.builder.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-use check against a real QEMU holding the volume's file, read-write and read-only. */
@Requires(Component.QEMU)
class VolumeFilesIT {
    @TempDir
    Path dir;

    @Test
    void inUse_whileAQemuHoldsTheFile_andNotAfter() throws Exception {
        Path file = dir.resolve("vol.img");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(1 << 20);
        }
        assertFalse(VolumeFiles.inUse(file));

        for (String mode : List.of("", ",readonly=on")) {
            Process qemu = holding(file, mode);
            try {
                assertTrue(awaitInUse(file, qemu), "no lock seen while QEMU holds the file" + mode);
                // The check only looks: the holder is still running and the file still locked.
                assertTrue(qemu.isAlive());
                assertTrue(VolumeFiles.inUse(file));
                // Which process holds it, by the file's identity: through another name of it too.
                Path link = Files.createLink(dir.resolve("link" + mode.length() + ".img"), file);
                assertEquals(List.of(qemu.pid()), VolumeFiles.holders(file));
                assertEquals(List.of(qemu.pid()), VolumeFiles.holders(link));
                Files.delete(link);
            } finally {
                qemu.destroy();
                assertTrue(qemu.waitFor(30, TimeUnit.SECONDS));
            }
            assertFalse(VolumeFiles.inUse(file), "still in use after QEMU ended" + mode);
            assertEquals(List.of(), VolumeFiles.holders(file));
        }
    }

    /** A QEMU with {@code file} as a drive and no machine to run: it opens (and locks) the file, then waits. */
    private static Process holding(Path file, String mode) throws Exception {
        String qemu = System.getenv().getOrDefault("JCAP_QEMU", "qemu-system-x86_64");
        return new ProcessBuilder(qemu, "-machine", "none", "-nodefaults", "-display", "none", "-S",
                "-drive", "file=" + file + ",format=raw,if=none,id=vol" + mode)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static boolean awaitInUse(Path file, Process qemu) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end && qemu.isAlive()) {
            if (VolumeFiles.inUse(file)) {
                return true;
            }
            Thread.sleep(20);
        }
        assertEquals(true, qemu.isAlive(), "QEMU ended");
        return false;
    }
}
