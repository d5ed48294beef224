package io.jcap.formats.iso9660;

import static io.jcap.formats.ReferenceTools.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsoWriterTest {
    private static final byte[] USER_DATA = "#cloud-config\nhostname: web1\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META_DATA = "instance-id: i-1\n".getBytes(StandardCharsets.UTF_8);

    private static IsoVolume seed() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("user-data", USER_DATA);
        files.put("meta-data", META_DATA);
        files.put("network-config", new byte[0]);
        return new IsoVolume("cidata", files);
    }

    @Test
    void write_thenRead_givesTheSameLabelAndFiles() {
        IsoVolume back = IsoReader.read(IsoWriter.write(seed()));
        assertEquals("cidata", back.label());
        assertEquals(List.of("meta-data", "network-config", "user-data"), List.copyOf(back.files().keySet()));
        assertArrayEquals(USER_DATA, back.files().get("user-data"));
        assertArrayEquals(META_DATA, back.files().get("meta-data"));
        assertArrayEquals(new byte[0], back.files().get("network-config"));
    }

    @Test
    void write_givesTheDescriptorsAndLayoutOfTheFormat() {
        byte[] iso = IsoWriter.write(seed());
        // 25 sectors of structure, then one sector per file (an empty one still takes one).
        assertEquals(28 * 2048, iso.length);
        assertEquals(1, iso[16 * 2048]);
        assertEquals("CD001", new String(iso, 16 * 2048 + 1, 5, StandardCharsets.US_ASCII));
        assertEquals("cidata" + " ".repeat(26), new String(iso, 16 * 2048 + 40, 32, StandardCharsets.US_ASCII));
        assertEquals(2, iso[17 * 2048]);
        assertEquals("%/E", new String(iso, 17 * 2048 + 88, 3, StandardCharsets.US_ASCII));
        assertEquals((byte) 255, iso[18 * 2048]);
        // meta-data, first by name, starts right after the root folders.
        assertEquals("instance-id: i-1\n", new String(iso, 25 * 2048, META_DATA.length, StandardCharsets.UTF_8));
    }

    @Test
    void write_sameVolume_sameBytes() {
        Map<String, byte[]> reversed = new LinkedHashMap<>();
        reversed.put("network-config", new byte[0]);
        reversed.put("meta-data", META_DATA);
        reversed.put("user-data", USER_DATA);
        assertArrayEquals(IsoWriter.write(seed()), IsoWriter.write(new IsoVolume("cidata", reversed)));
    }

    @Test
    void primaryNames_areLevelOneNamesWithVersion() {
        assertEquals("USER_DAT.;1", new String(IsoWriter.primaryNames(List.of("user-data")).get(0),
                StandardCharsets.US_ASCII));
        assertEquals("META_DAT.JSO;1", new String(IsoWriter.primaryNames(List.of("meta_data.json")).get(0),
                StandardCharsets.US_ASCII));
    }

    @Test
    void volume_badNameOrLabel_isRefusedWithTheReason() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> new IsoVolume("cidata", Map.of("a/b", new byte[0])));
        assertEquals("file name 'a/b' is not allowed in the volume: use 1 to 64 characters without / \\ ; or"
                + " control characters", name.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> new IsoVolume("x".repeat(33), Map.of()));
        assertEquals("ISO 9660 label '" + "x".repeat(33) + "' must have 1 to 32 printable ASCII characters",
                label.getMessage());
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> IsoWriter.write(new IsoVolume("cidata", Map.of("user-data1", new byte[0], "user-data2",
                        new byte[0]))));
        assertEquals("files 'user-data2' and another one have the same ISO 9660 level 1 name USER_DAT.;1: rename"
                + " one", clash.getMessage());
    }

    @Test
    void read_notAnIso_saysSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IsoReader.read(new byte[40 * 2048]));
        assertEquals("not an ISO 9660 volume: no descriptor set terminator at sector 16", e.getMessage());
    }

    @Test
    @Requires(Component.SEED_TOOLS)
    void read_aSeedMadeByCloudLocalds_findsItsFiles(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("user-data"), USER_DATA);
        Files.write(dir.resolve("meta-data"), META_DATA);
        run(dir, "cloud-localds", "seed.iso", "user-data", "meta-data");
        IsoVolume seed = IsoReader.read(Files.readAllBytes(dir.resolve("seed.iso")));
        assertEquals("cidata", seed.label());
        assertArrayEquals(USER_DATA, seed.files().get("user-data"));
        assertArrayEquals(META_DATA, seed.files().get("meta-data"));
    }

    @Test
    @Requires(Component.SEED_TOOLS)
    void isoinfo_readsTheWrittenVolumeThroughJoliet(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("seed.iso"), IsoWriter.write(seed()));
        assertEquals(new String(USER_DATA, StandardCharsets.UTF_8),
                run(dir, "isoinfo", "-i", "seed.iso", "-J", "-x", "/user-data"));
        String listing = run(dir, "isoinfo", "-i", "seed.iso", "-J", "-f");
        assertEquals("/meta-data\n/network-config\n/user-data\n", listing);
        assertEquals("Volume id: cidata", run(dir, "isoinfo", "-i", "seed.iso", "-d").lines()
                .filter(l -> l.startsWith("Volume id:")).findFirst().orElseThrow());
    }
}
