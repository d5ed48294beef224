package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.ByteSize;
import io.jcap.model.FsType;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Valid Capstanfiles in Capstan's styles and with jcap's keys, from src/test/resources/projects. */
class CapstanfileParserTest {
    private final CapstanfileParser parser = new CapstanfileParser();

    static Path project(String name) throws URISyntaxException {
        return Path.of(CapstanfileParserTest.class.getResource("/projects/" + name).toURI());
    }

    @Test
    void parse_capstanfileThatIsAFifoADeviceOrHuge_isRefusedWithoutReadingIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path fifo = java.nio.file.Files.createDirectories(dir.resolve("fifo"));
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.resolve("Capstanfile").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        CapstanfileException e = org.junit.jupiter.api.Assertions.assertThrows(CapstanfileException.class,
                () -> parser.parse(fifo));
        assertTrue(e.getMessage().endsWith("Capstanfile: is not a regular file (a FIFO, a device or a folder): a package"
                + " file is read whole, and that would never end or make no sense"), e.getMessage());
        assertEquals(false, CapstanfileParser.hasBuildCommand(fifo));

        Path zero = java.nio.file.Files.createDirectories(dir.resolve("zero"));
        java.nio.file.Files.createSymbolicLink(zero.resolve("Capstanfile"), Path.of("/dev/zero"));
        e = org.junit.jupiter.api.Assertions.assertThrows(CapstanfileException.class, () -> parser.parse(zero));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());

        Path huge = java.nio.file.Files.createDirectories(dir.resolve("huge"));
        try (var file = new java.io.RandomAccessFile(huge.resolve("Capstanfile").toFile(), "rw")) {
            file.setLength(3L << 30); // sparse: 3 GiB read would have run jcap out of memory
        }
        e = org.junit.jupiter.api.Assertions.assertThrows(CapstanfileException.class, () -> parser.parse(huge));
        assertTrue(e.getMessage().endsWith("Capstanfile: is 3221225472 bytes: a package file holds at most 4194304 bytes"
                + " (4 MiB)"), e.getMessage());
    }

    @Test
    void parse_javaAppOnOpenJdkBase_expandsAmpersandInHostPaths() throws Exception {
        Path dir = project("java-app");

        Capstanfile c = parser.parse(dir);

        assertEquals(dir.resolve("Capstanfile"), c.file());
        assertEquals(dir, c.projectDir());
        assertEquals(Optional.of("cloudius/osv-openjdk"), c.base());
        assertEquals(Optional.of("/java.so -cp /app MyMain"), c.cmdline());
        assertEquals(List.of("mvn", "package"), c.build());
        assertEquals(Map.of(
                GuestPath.of("/app/MyMain.jar"), dir.resolve("out/MyMain.jar"),
                GuestPath.of("/app/app.properties"), dir.resolve("app.properties")), c.files());
        assertEquals(Optional.empty(), c.rootfs());
        assertEquals(Optional.empty(), c.kernel());
        assertEquals(Optional.empty(), c.runtime());
        assertEquals(List.of(), c.ports());
        assertEquals(Map.of(), c.env());
    }

    @Test
    void parse_nativeApp_keepsCmdlineAndBuild() throws Exception {
        Path dir = project("native-app");

        Capstanfile c = parser.parse(dir);

        assertEquals(Optional.of("/tools/hello.so"), c.cmdline());
        assertEquals(List.of("make"), c.build());
        assertEquals(Map.of(GuestPath.of("/tools/hello.so"), dir.resolve("hello.so")), c.files());
    }

    /** Capstan's yaml.v2 reads these keys into strings: osv-apps' perl-hello has "build: true". */
    @Test
    void parse_capstanScalars_takeTheTextWritten_andEmptyValuesMeanNoKey(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("1.0"), "v");
        java.nio.file.Files.createDirectories(dir.resolve("ROOTFS"));
        java.nio.file.Files.writeString(dir.resolve("Capstanfile"), "base: cloudius/osv-base\ncmdline: 42\nbuild: true\n"
                + "files:\n  /version: 1.0\n");

        Capstanfile c = parser.parse(dir);

        assertEquals(List.of("true"), c.build());
        assertEquals(Optional.of("42"), c.cmdline());
        assertEquals(Map.of(GuestPath.of("/version"), dir.resolve("1.0")), c.files());

        java.nio.file.Files.writeString(dir.resolve("Capstanfile"), "base:\ncmdline: /hello\nbuild:\nfiles:\nrootfs:\n");
        Capstanfile empty = parser.parse(dir);

        assertEquals(Optional.empty(), empty.base());
        assertEquals(List.of(), empty.build());
        assertEquals(Map.of(), empty.files());
        assertEquals(Optional.of(dir.resolve("ROOTFS")), empty.rootfs(), "an empty rootfs is the default ROOTFS");
    }

    @Test
    void parse_explicitRootfs_resolvesFolderInProject() throws Exception {
        Path dir = project("rootfs-explicit");

        assertEquals(Optional.of(dir.resolve("myroot")), parser.parse(dir).rootfs());
    }

    @Test
    void parse_noRootfsKeyButRootfsFolder_usesRootfsFolder() throws Exception {
        Path dir = project("rootfs-default");

        assertEquals(Optional.of(dir.resolve("ROOTFS")), parser.parse(dir).rootfs());
    }

    @Test
    void parse_rpmBaseMap_keepsPackageFileName() throws Exception {
        Capstanfile c = parser.parse(project("rpm-base"));

        assertEquals(Optional.of("java-1.7.0-openjdk-1.7.0.60-2.4.5.0.fc19.x86_64"), c.rpmBase());
    }

    @Test
    void parse_jcapKeys_mapsEveryKey() throws Exception {
        Path dir = project("jcap-keys");

        Capstanfile c = parser.parse(dir);

        assertEquals(Optional.of("linux"), c.kernel());
        assertEquals(Optional.of(FsType.EXT4), c.fs());
        assertEquals(Optional.of(ByteSize.ofMebibytes(1024)), c.size());
        assertEquals(Optional.of(ByteSize.ofMebibytes(256)), c.memory());
        assertEquals(OptionalInt.of(2), c.cpus());
        assertEquals(List.of(new PortMapping(8080, 80, PortMapping.Protocol.TCP),
                new PortMapping(53, 53, PortMapping.Protocol.UDP), PortMapping.of(9000)), c.ports());
        assertEquals(Map.of("DEBUG", "1", "JAVA_OPTS", "-Dgreeting=hello"), c.env());
        assertEquals(List.of("sh", "-c", "mvn -q package && cp target/app.jar out/"), c.build());
        assertEquals(Optional.empty(), c.cmdline());
        assertEquals(Optional.of(new Runtime.Java(Optional.empty(), Optional.of(GuestPath.of("/app/app.jar")),
                List.of(GuestPath.of("/app"), GuestPath.of("/app/lib/*")), List.of("-Dfile.encoding=UTF-8"),
                Optional.of(ByteSize.ofMebibytes(64)), Optional.of(ByteSize.ofMebibytes(192)),
                List.of("--port", "80"))), c.runtime());
    }

    @Test
    void parse_fileOutsideProject_resolvesHostPathsAgainstProject() throws Exception {
        Path dir = project("native-app");

        Capstanfile c = parser.parse(dir.resolve("Capstanfile"), dir);

        assertTrue(c.files().containsValue(dir.resolve("hello.so")));
    }
}
