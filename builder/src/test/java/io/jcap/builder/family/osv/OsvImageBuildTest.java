package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.ImageBuilder;
import io.jcap.builder.ImageFiles;
import io.jcap.builder.OsvSamples;
import io.jcap.builder.TestMachine;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.mbr.PartitionEntry;
import io.jcap.formats.rofs.RofsEntry;
import io.jcap.formats.rofs.RofsReader;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import io.jcap.testsupport.OsvLoaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OSv ROFS images end to end through {@link ImageBuilder}, with a synthetic loader (layout, not boot). */
class OsvImageBuildTest {
    private static final String CAPSTANFILE = """
            kernel: osv
            cmdline: /app/hello --greeting hi
            rootfs: root
            files:
              /app/hello: hello
            env:
              LANG: C
            ports:
              - 18080:80
            memory: 256M
            """;
    private static final byte[] HELLO = "#!/bin/hello\n".repeat(100).getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    /** A project; {@code reversed} creates its files in the other order with other times and modes of folders. */
    private Path project(String name, boolean reversed) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        Path root = dir.resolve("root");
        if (reversed) {
            Files.createSymbolicLink(Files.createDirectories(root).resolve("bin"), Path.of("/app"));
            Files.writeString(Files.createDirectories(root.resolve("etc")).resolve("motd"), "welcome\n");
            Files.write(dir.resolve("hello"), HELLO);
            Files.setLastModifiedTime(dir.resolve("hello"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        } else {
            Files.write(dir.resolve("hello"), HELLO);
            Files.writeString(Files.createDirectories(root.resolve("etc")).resolve("motd"), "welcome\n");
            Files.createSymbolicLink(root.resolve("bin"), Path.of("/app"));
        }
        Files.setPosixFilePermissions(dir.resolve("hello"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("etc/motd"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(root.resolve("etc"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("Capstanfile"), CAPSTANFILE);
        return dir;
    }

    private BuildResult build(JcapHome home, Path project, String name) throws Exception {
        return new ImageBuilder(home, EventSink.NONE)
                .build(new BuildRequest(project, Optional.of(name), Optional.empty(), false));
    }

    private Path raw(ImageRepository.StoredImage image, String name) throws Exception {
        Path raw = temp.resolve(name + ".raw");
        new QemuImg(TestMachine.qemu().qemuImg()).convert(image.file(), DiskFormat.QCOW2, raw, DiskFormat.RAW, false);
        return raw;
    }

    @Test
    void build_rofs_writesLoaderPartitionRofsAndCmdlineWithMetadata() throws Exception {
        TestMachine.qemu();
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        BuildResult result = build(home, project("app", false), "osvapp");
        assertFalse(result.reused());
        ImageMetadata m = result.image().metadata();
        assertEquals("osv", m.kernel());
        assertEquals(Sha256.of(OsvLoaders.loader()), m.kernelSha256());
        assertEquals("rofs", m.fs());
        assertEquals("--rootfs=rofs --env=LANG=C /app/hello --greeting hi", m.cmdline());
        assertEquals(256, m.memoryMiB());
        assertNull(m.accelerator());
        assertEquals(3L << 20, m.virtualSize());
        assertEquals(List.of(PortMapping.parse("18080:80")), result.image().metadata().ports());

        Path raw = raw(result.image(), "osvapp");
        byte[] disk = Files.readAllBytes(raw);
        byte[] loader = OsvLoaders.loader();
        assertArrayEquals(Arrays.copyOfRange(loader, 0, 0x1BE), Arrays.copyOfRange(disk, 0, 0x1BE));
        assertArrayEquals(Arrays.copyOfRange(loader, 2048, loader.length), Arrays.copyOfRange(disk, 2048, loader.length));
        PartitionEntry partition = OsvDisk.readPartition(raw);
        assertEquals(PartitionEntry.linux(4096, 2048), partition);
        assertEquals("--rootfs=rofs --env=LANG=C /app/hello --greeting hi", OsvDisk.readCmdline(raw));
        try (RofsReader rofs = RofsReader.openDisk(raw)) {
            assertEquals(List.of("d / 755", "d /app 755", "f /app/hello 755", "l /bin 777 /app", "d /etc 755",
                    "f /etc/motd 644"), rofs.list().stream().map(OsvImageBuildTest::describe).toList());
            assertArrayEquals(HELLO, rofs.readFile(GuestPath.of("/app/hello")));
            assertArrayEquals("welcome\n".getBytes(StandardCharsets.UTF_8), rofs.readFile(GuestPath.of("/etc/motd")));
        }
    }

    @Test
    void build_sameInputsMadeDifferently_giveTheSameRawBytes() throws Exception {
        TestMachine.qemu();
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        BuildResult first = build(home, project("one", false), "one");
        BuildResult second = build(home, project("two", true), "two");
        assertEquals(first.image().metadata().inputsDigest(), second.image().metadata().inputsDigest());
        assertEquals(-1, Files.mismatch(raw(first.image(), "one"), raw(second.image(), "two")));
    }

    @Test
    void build_again_reusesTheStoredImageUntilAnInputChanges() throws Exception {
        TestMachine.qemu();
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        Path project = project("app", false);
        build(home, project, "app");
        assertTrue(build(home, project, "app").reused());
        Files.writeString(project.resolve("root/etc/motd"), "changed\n");
        assertFalse(build(home, project, "app").reused());
        try (var left = Files.list(home.tmp())) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void files_ofARofsImage_listsTheSubtreeWithModesSizesAndTargets() throws Exception {
        TestMachine.qemu();
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        build(home, project("app", false), "osvapp");
        ImageFiles files = new ImageFiles(home, EventSink.NONE);
        assertEquals(List.of(
                new ImageFile(GuestPath.ROOT, ImageFile.Type.DIRECTORY, 0755, 0, Optional.empty()),
                new ImageFile(GuestPath.of("/app"), ImageFile.Type.DIRECTORY, 0755, 0, Optional.empty()),
                new ImageFile(GuestPath.of("/app/hello"), ImageFile.Type.FILE, 0755, HELLO.length, Optional.empty()),
                new ImageFile(GuestPath.of("/bin"), ImageFile.Type.SYMLINK, 0777, 4, Optional.of("/app")),
                new ImageFile(GuestPath.of("/etc"), ImageFile.Type.DIRECTORY, 0755, 0, Optional.empty()),
                new ImageFile(GuestPath.of("/etc/motd"), ImageFile.Type.FILE, 0644, 8, Optional.empty())),
                files.list("osvapp", GuestPath.ROOT));
        assertEquals(List.of(new ImageFile(GuestPath.of("/etc"), ImageFile.Type.DIRECTORY, 0755, 0, Optional.empty()),
                new ImageFile(GuestPath.of("/etc/motd"), ImageFile.Type.FILE, 0644, 8, Optional.empty())),
                files.list("osvapp", GuestPath.of("/etc")));
        io.jcap.model.JcapException e = org.junit.jupiter.api.Assertions.assertThrows(io.jcap.model.JcapException.class,
                () -> files.list("osvapp", GuestPath.of("/etc/nothing")));
        assertEquals("/etc/nothing is not in image 'osvapp'", e.getMessage());
        try (var left = Files.list(home.tmp())) {
            assertEquals(List.of(), left.toList());
        }
    }

    private static String describe(RofsEntry e) {
        String type = switch (e.type()) {
            case DIRECTORY -> "d";
            case FILE -> "f";
            case SYMLINK -> "l";
        };
        return type + " " + e.path() + " " + Integer.toOctalString(e.mode()) + (e.target() == null ? "" : " " + e.target());
    }
}
