package io.jcap.builder.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.model.PortMapping;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored {@code image.json} stays byte for byte what earlier jcap versions wrote and read. */
class ImageMetadataJsonTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String STORED = """
            {
              "name" : "hello",
              "created" : "2026-01-02T03:04:05Z",
              "inputsDigest" : "%1$s",
              "streamDigest" : "%2$s",
              "kernel" : "linux",
              "kernelSha256" : null,
              "cmdline" : "/app/hello",
              "fs" : "ext4",
              "virtualSize" : 67108864,
              "diskSize" : 1048576,
              "imageSha256" : "%1$s",
              "accelerator" : "tcg",
              "memoryMiB" : 256,
              "cpus" : 2,
              "ports" : [ "18080:80" ],
              "guestProtocol" : 2
            }""".formatted(A, B);

    @TempDir
    Path dir;

    @Test
    void readThenWrite_givesTheStoredBytesBack() throws Exception {
        Path file = Files.writeString(dir.resolve("image.json"), STORED);

        ImageMetadata m = ImageMetadataJson.read(file);

        assertEquals(List.of(PortMapping.parse("18080:80")), m.ports());
        assertEquals(STORED, new String(ImageMetadataJson.toBytes(m), StandardCharsets.UTF_8));
    }

    @Test
    void readThenWrite_ofACapstanPackagesImage_keepsItsNamedConfigurations() throws Exception {
        String stored = STORED.replace("\"kernel\" : \"linux\"", "\"kernel\" : \"osv\"")
                .replace("\"/app/hello\"", "\"--rootfs=rofs /hello\"").replace("\"ext4\"", "\"rofs\"")
                .replace("  \"guestProtocol\" : 2\n}", """
                          "guestProtocol" : 0,
                          "configSets" : {
                            "hello" : "--rootfs=rofs /hello",
                            "shout" : "--rootfs=rofs --env=LOUD=1 /hello --shout"
                          },
                          "defaultConfigSet" : "hello"
                        }""");
        Path file = Files.writeString(dir.resolve("image.json"), stored);

        ImageMetadata m = ImageMetadataJson.read(file);

        assertEquals(Map.of("hello", "--rootfs=rofs /hello", "shout", "--rootfs=rofs --env=LOUD=1 /hello --shout"),
                m.configSets());
        assertEquals("hello", m.defaultConfigSet());
        assertEquals("--rootfs=rofs --env=LOUD=1 /hello --shout", m.cmdline(Optional.of("shout")));
        assertEquals(stored, new String(ImageMetadataJson.toBytes(m), StandardCharsets.UTF_8));
    }

    @Test
    void read_imageRecordedBeforeRunDefaults_getsTheDefaultsOfThatTime() throws Exception {
        Path file = Files.writeString(dir.resolve("image.json"), """
                {"name": "old", "created": "2025-01-01T00:00:00Z", "inputsDigest": "%1$s", "kernel": "linux",
                 "virtualSize": 1, "diskSize": 1, "imageSha256": "%1$s"}""".formatted(A));

        ImageMetadata m = ImageMetadataJson.read(file);

        assertEquals(128, m.memoryMiB());
        assertEquals(1, m.cpus());
        assertEquals(List.of(), m.ports());
        assertEquals(1, m.guestProtocol());
        assertEquals(null, m.streamDigest());
        assertEquals(Map.of(), m.configSets());
        assertEquals(null, m.defaultConfigSet());
    }

    /** A pulled record is the registry's: a kernel name that would drive the terminal in jcap images is refused. */
    @Test
    void parse_kernelNameWithControlCharacters_isRefused() {
        byte[] record = """
                {"name": "evil", "created": "2025-01-01T00:00:00Z", "inputsDigest": "%1$s",
                 "kernel": "linux\\u001b]0;PWNED\\u0007", "virtualSize": 1, "diskSize": 1, "imageSha256": "%1$s"}"""
                .formatted(A).getBytes(StandardCharsets.UTF_8);

        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ImageMetadataJson.parse(record));

        assertEquals("'linux\\x1b]0;PWNED\\x07' is not a kernel name", e.getMessage());
    }
}
