package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcap.builder.ImageFiles;
import io.jcap.builder.TestMachine;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.kernels.DiskLayout;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.testsupport.Requirements;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jcap images ls} on a Linux image: an ext4 partition at 1 MiB, made here with mke2fs, read with debugfs. */
class Ext4FilesTest {
    private static final String LONG_TARGET = "/" + "x".repeat(80);
    /** Link targets may hold any byte but NUL: debugfs prints these over two lines. */
    private static final String NEWLINE_TARGET = "x\n\"y";
    private static final String LONG_NEWLINE_TARGET = "/" + "y".repeat(70) + "\nz\"";

    @TempDir
    Path temp;

    @Test
    void files_ofAGptImage_listsItsRootPartition() throws Exception {
        JcapHome home = new JcapHome(temp.resolve("home"));
        storeImage(home, "linuxapp", true);
        ImageFiles files = new ImageFiles(home, EventSink.NONE);

        assertEquals(List.of(link("/app/short", "hello")), files.list("linuxapp", GuestPath.of("/app/short")));
        assertEquals(List.of(file("/with space/empty", 0600, 0)), files.list("linuxapp", GuestPath.of("/with space/empty")));
    }

    @Test
    void files_ofAnExt4Image_listsEverythingWithModesSizesAndLinkTargets() throws Exception {
        JcapHome home = new JcapHome(temp.resolve("home"));
        storeImage(home, "linuxapp", false);
        ImageFiles files = new ImageFiles(home, EventSink.NONE);
        assertEquals(List.of(
                dir("/", 0755),
                dir("/app", 0755),
                file("/app/hello", 04755, 6),
                link("/app/long", LONG_TARGET),
                link("/app/long-newline", LONG_NEWLINE_TARGET),
                link("/app/newline", NEWLINE_TARGET),
                link("/app/short", "hello"),
                dir("/lost+found", 0700),
                dir("/with space", 0750),
                file("/with space/empty", 0600, 0)), files.list("linuxapp", GuestPath.ROOT));
        assertEquals(List.of(link("/app/short", "hello")), files.list("linuxapp", GuestPath.of("/app/short")));
        JcapException e = assertThrows(JcapException.class, () -> files.list("linuxapp", GuestPath.of("/app/none")));
        assertEquals("/app/none is not in image 'linuxapp'", e.getMessage());
        try (var left = Files.list(home.tmp())) {
            assertEquals(List.of(), left.toList());
        }
    }

    private static ImageFile dir(String path, int mode) {
        return new ImageFile(GuestPath.of(path), ImageFile.Type.DIRECTORY, mode, 0, Optional.empty());
    }

    private static ImageFile file(String path, int mode, long size) {
        return new ImageFile(GuestPath.of(path), ImageFile.Type.FILE, mode, size, Optional.empty());
    }

    private static ImageFile link(String path, String target) {
        return new ImageFile(GuestPath.of(path), ImageFile.Type.SYMLINK, 0777, target.length(), Optional.of(target));
    }

    /**
     * A disk like jcap's Linux images stored as a qcow2 image: GPT with the root in partition 2
     * ({@link DiskLayout}, since guest protocol 4), or MBR partition 1 from LBA 2048 (before).
     */
    private void storeImage(JcapHome home, String name, boolean gpt) throws Exception {
        Path root = Files.createDirectories(temp.resolve("root/app"));
        Files.writeString(root.resolve("hello"), "hello\n");
        Files.setPosixFilePermissions(root.resolve("hello"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(root.resolve("short"), Path.of("hello"));
        Files.createSymbolicLink(root.resolve("long"), Path.of(LONG_TARGET));
        Files.createSymbolicLink(root.resolve("newline"), Path.of(NEWLINE_TARGET));
        Files.createSymbolicLink(root.resolve("long-newline"), Path.of(LONG_NEWLINE_TARGET));
        Path spaced = Files.createDirectories(temp.resolve("root/with space"));
        Files.setPosixFilePermissions(spaced, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createFile(spaced.resolve("empty"));
        Files.setPosixFilePermissions(spaced.resolve("empty"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(root.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path fs = temp.resolve("fs.img");
        run("mke2fs", "-q", "-F", "-t", "ext4", "-d", root.getParent().toString(), fs.toString(), "8M");
        // mke2fs -d keeps the host's setuid bit only where the host file has one; set it in the image directly.
        run("debugfs", "-w", "-R", "set_inode_field /app/hello mode 0104755", fs.toString());
        Path disk = temp.resolve("disk.raw");
        if (gpt) {
            try (RandomAccessFile out = new RandomAccessFile(disk.toFile(), "rw")) {
                out.setLength(DiskLayout.OVERHEAD_BYTES + Files.size(fs));
            }
            UUID fsUuid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
            DiskLayout.write(disk, new byte[0], new byte[] {'M', 'Z'}, "boot\n", fsUuid);
            try (RandomAccessFile out = new RandomAccessFile(disk.toFile(), "rw")) {
                out.seek(DiskLayout.OVERHEAD_BYTES - (1 << 20));
                out.write(Files.readAllBytes(fs));
            }
        } else try (RandomAccessFile out = new RandomAccessFile(disk.toFile(), "rw")) {
            out.setLength((1 << 20) + Files.size(fs));
            out.seek(0x1BE);
            out.write(new byte[] {(byte) 0x80, 0, 0, 0, (byte) 0x83, 0, 0, 0, 0, 8, 0, 0, 0, 0x40, 0, 0});
            out.seek(510);
            out.write(new byte[] {0x55, (byte) 0xAA});
            out.seek(1 << 20);
            out.write(Files.readAllBytes(fs));
        }
        ImageRepository repository = new ImageRepository(home.images());
        Path staging = repository.newStaging();
        Path image = staging.resolve(ImageRepository.IMAGE_FILE);
        new QemuImg(TestMachine.qemu().qemuImg()).convert(disk, DiskFormat.RAW, image, DiskFormat.QCOW2, false);
        repository.commit(staging, new ImageMetadata(name, Instant.EPOCH, Sha256.of(new byte[0]), null, "linux", null,
                "/app/hello", "ext4", Files.size(disk), Files.size(image), Sha256.of(image), "tcg", 128, 1, List.of(), 2));
    }

    private static void run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Requirements.missing(command[0] + " (apt-get install e2fsprogs)");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed: " + output);
        }
    }
}
