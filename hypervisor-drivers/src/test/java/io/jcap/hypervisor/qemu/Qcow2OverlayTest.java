package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlays written in Java, checked and read by the real qemu-img and qemu-io. */
class Qcow2OverlayTest {
    private static final int MIB = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path qemuImg;
    private static Path qemuIo;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTools() throws Exception {
        qemuImg = QemuTestSupport.qemu().qemuImg();
        qemuIo = qemuImg.resolveSibling("qemu-io");
    }

    @Test
    void create_onQcow2Backing_isCleanAndReadsAsTheBacking() throws Exception {
        Path backing = dir.resolve("base.qcow2");
        run(qemuImg, "create", "-q", "-f", "qcow2", backing.toString(), Long.toString(3L * MIB + 3 * 512));
        run(qemuIo, "-f", "qcow2", "-c", "write -P 0xab 0 64k", "-c", "write -P 0x5c 2M 4k", backing.toString());
        Path overlay = dir.resolve("overlay.qcow2");

        Qcow2Overlay.create(backing, overlay);

        assertClean(overlay);
        assertEquals(info(qemuImgOverlay(backing, "qcow2")), info(overlay));
        assertArrayEquals(asRaw(backing, "qcow2"), asRaw(overlay, "qcow2"));
    }

    @Test
    void createPatched_onCompressedQcow2_readsAsTheBackingWithThePatchAndLeavesItUntouched() throws Exception {
        Path raw = dir.resolve("base.raw");
        byte[] content = new byte[3 * MIB];
        new Random(7).nextBytes(content);
        Arrays.fill(content, 4096, 60000, (byte) 0); // compressible, as a boot area is
        Files.write(raw, content);
        Path backing = dir.resolve("base.qcow2");
        new QemuImg(qemuImg).convert(raw, DiskFormat.RAW, backing, DiskFormat.QCOW2, true); // zstd, as images are
        byte[] before = Files.readAllBytes(backing);
        byte[] line = "--rootfs=rofs /hello\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path overlay = dir.resolve("overlay.qcow2");

        new QemuImg(qemuImg).createOverlay(backing, DiskFormat.QCOW2, overlay, 512, line);

        assertClean(overlay);
        byte[] expected = content.clone();
        System.arraycopy(line, 0, expected, 512, line.length);
        assertArrayEquals(expected, asRaw(overlay, "qcow2"));
        assertArrayEquals(before, Files.readAllBytes(backing));
    }

    @Test
    void createPatched_onPlainQcow2AndOnRaw_patchesTheFirstCluster() throws Exception {
        Path backing = dir.resolve("plain.qcow2");
        run(qemuImg, "create", "-q", "-f", "qcow2", backing.toString(), Long.toString(2L * MIB));
        run(qemuIo, "-f", "qcow2", "-c", "write -P 0xab 0 64k", "-c", "write -P 0x5c 1M 4k", backing.toString());
        Path overlay = dir.resolve("overlay.qcow2");
        new QemuImg(qemuImg).createOverlay(backing, DiskFormat.QCOW2, overlay, 65535, new byte[] {7});
        assertClean(overlay);
        byte[] expected = asRaw(backing, "qcow2");
        expected[65535] = 7;
        assertArrayEquals(expected, asRaw(overlay, "qcow2"));

        Path raw = dir.resolve("small.raw");
        Files.write(raw, new byte[] {1, 2, 3});
        Path rawOverlay = dir.resolve("raw-overlay.qcow2");
        new QemuImg(qemuImg).createOverlay(raw, DiskFormat.RAW, rawOverlay, 1, new byte[] {9});
        assertClean(rawOverlay);
        assertArrayEquals(new byte[] {1, 9, 3}, Arrays.copyOf(asRaw(rawOverlay, "qcow2"), 3));
    }

    @Test
    void createPatched_outsideTheFirstCluster_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QemuImg(qemuImg)
                .createOverlay(dir.resolve("x"), DiskFormat.RAW, dir.resolve("y"), 65535, new byte[2]));
        assertThrows(IllegalArgumentException.class,
                () -> Qcow2Overlay.create(dir.resolve("x"), dir.resolve("y"), new byte[512]));
    }

    @Test
    void create_onRawBackingOfAnOddSize_roundsToASectorLikeQemuImg() throws Exception {
        Path backing = dir.resolve("base.raw");
        byte[] bytes = new byte[1_000_001];
        new Random(7).nextBytes(bytes);
        Files.write(backing, bytes);
        Path overlay = dir.resolve("overlay.qcow2");

        Qcow2Overlay.create(backing, overlay);

        assertClean(overlay);
        ObjectNode info = info(overlay);
        assertEquals(1_000_448, info.get("virtual-size").asLong());
        assertEquals(backing.toString(), info.get("backing-filename").asText());
        assertEquals("raw", info.get("backing-filename-format").asText());
        assertEquals(info(qemuImgOverlay(backing, "raw")), info);
        assertArrayEquals(Arrays.copyOf(bytes, 1_000_448), asRaw(overlay, "qcow2"));
    }

    @Test
    void create_thenGuestWrites_changeOnlyTheOverlay() throws Exception {
        Path backing = dir.resolve("base.raw");
        byte[] bytes = new byte[4 * MIB];
        new Random(11).nextBytes(bytes);
        Files.write(backing, bytes);
        Path overlay = dir.resolve("overlay.qcow2");
        Qcow2Overlay.create(backing, overlay);

        run(qemuIo, "-f", "qcow2", "-c", "write -P 0x77 1M 100k", overlay.toString());

        assertArrayEquals(bytes, Files.readAllBytes(backing));
        assertClean(overlay);
        byte[] expected = bytes.clone();
        Arrays.fill(expected, MIB, MIB + 100 * 1024, (byte) 0x77);
        assertArrayEquals(expected, asRaw(overlay, "qcow2"));
    }

    @Test
    void create_onHugeBacking_spreadsTheL1TableOverSeveralClusters() throws Exception {
        Path backing = dir.resolve("huge.qcow2");
        long fiveTiB = 5L << 40;
        run(qemuImg, "create", "-q", "-f", "qcow2", backing.toString(), Long.toString(fiveTiB));
        Path overlay = dir.resolve("overlay.qcow2");

        Qcow2Overlay.create(backing, overlay);

        assertClean(overlay);
        assertEquals(fiveTiB, info(overlay).get("virtual-size").asLong());
        assertEquals(info(qemuImgOverlay(backing, "qcow2")), info(overlay));
        assertEquals(5L * 64 * 1024, Files.size(overlay), "header, refcount table and block, two L1 clusters");
    }

    @Test
    void create_missingBacking_saysSo() {
        Path backing = dir.resolve("gone.qcow2");

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Overlay.create(backing, dir.resolve("o.qcow2")));

        assertEquals("cannot create an overlay on " + backing + ": the backing image does not exist", e.getMessage());
    }

    @Test
    void create_backingIsADirectory_saysItCannotBeRead() throws Exception {
        Path backing = Files.createDirectory(dir.resolve("base"));

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Overlay.create(backing, dir.resolve("o.qcow2")));

        assertEquals("cannot read backing image " + backing + ": Is a directory", e.getMessage());
    }

    @Test
    void create_truncatedQcow2Backing_saysItIsDamaged() throws Exception {
        Path backing = dir.resolve("cut.qcow2");
        Files.write(backing, new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3});

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Overlay.create(backing, dir.resolve("o.qcow2")));

        assertEquals("backing image " + backing + " starts like qcow2 but its header is cut short: the file is damaged;"
                + " build or pull the image again", e.getMessage());
    }

    @Test
    void create_overlayExists_leavesItAlone() throws Exception {
        Path backing = dir.resolve("base.raw");
        Files.write(backing, new byte[512]);
        Path overlay = Files.writeString(dir.resolve("overlay.qcow2"), "mine");

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Overlay.create(backing, overlay));

        assertEquals("cannot create overlay " + overlay + ": the file already exists; remove it first", e.getMessage());
        assertEquals("mine", Files.readString(overlay));
    }

    @Test
    void create_overlayFolderMissing_saysSo() throws Exception {
        Path backing = dir.resolve("base.raw");
        Files.write(backing, new byte[512]);
        Path overlay = dir.resolve("no-such-folder").resolve("overlay.qcow2");

        JcapException e = assertThrows(JcapException.class, () -> Qcow2Overlay.create(backing, overlay));

        assertEquals("cannot create overlay " + overlay + ": no such file or directory", e.getMessage());
    }

    /** The same overlay made by qemu-img itself, to compare what qemu-img info says of both. */
    private Path qemuImgOverlay(Path backing, String format) throws Exception {
        Path overlay = dir.resolve("by-qemu-img.qcow2");
        Files.deleteIfExists(overlay);
        run(qemuImg, "create", "-q", "-f", "qcow2", "-b", backing.toString(), "-F", format, overlay.toString());
        return overlay;
    }

    private static void assertClean(Path image) throws Exception {
        String out = run(qemuImg, "check", "-f", "qcow2", image.toString());
        assertTrue(out.contains("No errors were found on the image."), out);
    }

    /** qemu-img's view of an image, without the facts that differ between two files of the same content. */
    private static ObjectNode info(Path image) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(run(qemuImg, "info", "--output=json", image.toString()));
        node.remove(List.of("filename", "actual-size", "dirty-flag"));
        return node;
    }

    private byte[] asRaw(Path image, String format) throws Exception {
        Path raw = dir.resolve("read-" + System.nanoTime() + ".raw");
        run(qemuImg, "convert", "-f", format, "-O", "raw", image.toString(), raw.toString());
        return Files.readAllBytes(raw);
    }

    private static String run(Path tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("qcow2-overlay-test", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within 60 s");
            }
            String out = Files.readString(output);
            assertEquals(0, process.exitValue(), command + ": " + out);
            return out;
        } finally {
            Files.delete(output);
        }
    }
}
