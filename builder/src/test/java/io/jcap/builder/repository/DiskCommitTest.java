package io.jcap.builder.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.TestMachine;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A raw disk compressed by the real qemu-img and committed, with its digest, flush and extras side by side. */
class DiskCommitTest {
    @TempDir
    Path dir;

    private static ImageMetadata.Builder metadata(String name) {
        return ImageMetadata.builder(name).created(Instant.parse("2026-12-04T00:00:00Z"))
                .inputsDigest(Sha256.of(new byte[] {1})).streamDigest(Sha256.of(new byte[] {2}))
                .kernel("linux", Sha256.of(new byte[] {3})).cmdline("/app/hello").fs("ext4")
                .accelerator("tcg").runDefaults(128, 1, List.of()).guestProtocol(2);
    }

    private Path rawDisk() throws IOException {
        byte[] bytes = new byte[4 << 20];
        new Random(5).nextBytes(bytes);
        Path disk = Files.createDirectories(dir.resolve("work")).resolve("disk.raw");
        Files.write(disk, bytes);
        return disk;
    }

    @Test
    void commit_storesTheCompressedDiskWithItsDigestAndExtras_andDropsTheRawDisk() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        ImageRepository repository = new ImageRepository(dir.resolve("images"));
        Path disk = rawDisk();
        byte[] original = Files.readAllBytes(disk);

        ImageRepository.StoredImage stored = DiskCommit.commit(repository, qemu, disk, EventSink.NONE,
                staging -> Files.writeString(staging.resolve("extra.txt"), "beside the disk"), metadata("hello"));

        assertEquals(Sha256.of(Files.readAllBytes(stored.file())), stored.metadata().imageSha256());
        assertEquals(Files.size(stored.file()), stored.metadata().diskSize());
        assertEquals(4L << 20, stored.metadata().virtualSize());
        assertEquals("beside the disk", Files.readString(stored.file().resolveSibling("extra.txt")));
        assertFalse(Files.exists(disk), "the raw disk is gone once compressed");
        Path back = dir.resolve("back.raw");
        new io.jcap.hypervisor.qemu.QemuImg(qemu.qemuImg()).convert(stored.file(), io.jcap.formats.DiskFormat.QCOW2,
                back, io.jcap.formats.DiskFormat.RAW, false);
        assertArrayEquals(original, Files.readAllBytes(back), "the image holds the raw disk's bytes");
    }

    @Test
    void commit_extrasFail_leavesNoImageNorStaging() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        ImageRepository repository = new ImageRepository(dir.resolve("images"));

        JcapException e = assertThrows(JcapException.class, () -> DiskCommit.commit(repository, qemu, rawDisk(),
                EventSink.NONE, staging -> {
                    throw new IOException("extras went wrong");
                }, metadata("broken")));

        assertEquals(true, e.getMessage().contains("extras went wrong"), e.getMessage());
        assertEquals(java.util.Optional.empty(), repository.find("broken"));
        try (var left = Files.list(dir.resolve("images"))) {
            assertEquals(List.of(), left.filter(p -> !p.getFileName().toString().startsWith(".")).toList());
        }
    }
}
