package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.qcow2.Qcow2Header;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.ForeignDisks;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qcow2 headers made by the real qemu-img that name files outside the image, read and refused. */
@Requires(Component.QEMU)
class Qcow2HeaderTest {
    private static final String CONVERT = " jcap takes only self-contained disks, since QEMU would open that file on"
            + " this host; convert it first (qemu-img convert -O qcow2 ";

    @TempDir
    Path dir;

    @Test
    void read_qcow2WithABackingFile_namesIt() throws Exception {
        Path x = ForeignDisks.withBackingFile(dir);

        Qcow2Header header = Qcow2Header.read(x).orElseThrow();

        assertEquals(3, header.version());
        assertEquals(Optional.of(dir.resolve("base.qcow2").toString()), header.backingFile());
        assertEquals(Optional.empty(), header.externalDataFile());
        assertFalse(header.selfContained());
    }

    @Test
    void read_qcow2WithAnExternalDataFile_namesItAndSeesTheFeatureBit() throws Exception {
        Path x = ForeignDisks.withExternalDataFile(dir);

        Qcow2Header header = Qcow2Header.read(x).orElseThrow();

        assertEquals(Optional.empty(), header.backingFile());
        assertEquals(Optional.of("ext.raw"), header.externalDataFile());
        assertTrue(header.externalDataBit());
        assertFalse(header.selfContained());
    }

    @Test
    void read_plainQcow2IsSelfContained_andARawFileIsNotQcow2() throws Exception {
        assertTrue(Qcow2Header.read(ForeignDisks.plain(dir)).orElseThrow().selfContained());
        assertEquals(Optional.empty(), Qcow2Header.read(Files.write(dir.resolve("disk.raw"), new byte[4096])));
        Qcow2Header.requireSelfContained(dir.resolve("plain.qcow2"), "image");
    }

    @Test
    void virtualSize_isTheGuestsDiskSize_notTheFiles() throws Exception {
        Path plain = ForeignDisks.plain(dir);

        assertEquals(1L << 20, Qcow2Header.virtualSize(plain));
        JcapException e = assertThrows(JcapException.class,
                () -> Qcow2Header.virtualSize(Files.write(dir.resolve("disk.raw"), new byte[4096])));
        assertEquals(dir.resolve("disk.raw") + " is not a qcow2 image (no qcow2 header)", e.getMessage());
    }

    @Test
    void requireSelfContained_backingFile_isRefusedNamingTheFileAndWhatItPointsAt() throws Exception {
        Path x = ForeignDisks.withBackingFile(dir);

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Header.requireSelfContained(x, "kernel file"));

        assertEquals("kernel file " + x + " is a qcow2 image with a backing file, '" + dir.resolve("base.qcow2") + "':"
                + CONVERT + x + " self-contained.qcow2)", e.getMessage());
    }

    @Test
    void requireSelfContained_externalDataFile_isRefusedNamingTheFileAndWhatItPointsAt() throws Exception {
        Path x = ForeignDisks.withExternalDataFile(dir);

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Header.requireSelfContained(x, "image"));

        assertEquals("image " + x + " is a qcow2 image with an external data file, 'ext.raw':" + CONVERT + x
                + " self-contained.qcow2)", e.getMessage());
    }

    @Test
    void requireSelfContained_featureBitWithoutTheExtension_isRefused() throws Exception {
        Path x = ForeignDisks.withExternalDataFile(dir);
        byte[] bytes = Files.readAllBytes(x);
        // Turn the data file extension (right after the 112-byte header) into an unknown one: the bit stays.
        bytes[112] = 'X';
        Files.write(x, bytes);

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Header.requireSelfContained(x, "image"));

        assertEquals("image " + x + " is a qcow2 image whose header sets the external data file feature"
                + " (incompatible feature bit 2) without naming the file:" + CONVERT + x + " self-contained.qcow2)",
                e.getMessage());
    }

    @Test
    void read_headerCutShort_isRefusedAsDamaged() throws Exception {
        Path x = ForeignDisks.withExternalDataFile(dir);
        Path cut = Files.write(dir.resolve("cut.qcow2"), Arrays.copyOf(Files.readAllBytes(x), 100));

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Header.read(cut));

        assertEquals(cut + " starts like a qcow2 image but its version 3 header is cut short at 100 bytes: the file is"
                + " damaged or not a disk jcap can take", e.getMessage());
    }

    @Test
    void overlay_onABackingImageThatNamesOtherFiles_isRefusedAndNothingIsWritten() throws Exception {
        for (Path backing : new Path[] {ForeignDisks.withBackingFile(dir), ForeignDisks.withExternalDataFile(dir)}) {
            Path overlay = dir.resolve("overlay.qcow2");
            byte[] before = Files.readAllBytes(backing);

            JcapException e = assertThrows(JcapException.class, () -> Qcow2Overlay.create(backing, overlay));

            assertTrue(e.getMessage().startsWith("backing image " + backing + " is a qcow2 image with a"), e.getMessage());
            assertFalse(Files.exists(overlay));
            assertArrayEquals(before, Files.readAllBytes(backing));
        }
        assertEquals(1 << 20, Files.size(dir.resolve("ext.raw")), "the data file is untouched");
    }
}
