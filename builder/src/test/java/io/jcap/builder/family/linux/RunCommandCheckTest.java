package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.compose.TreeManifest;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.model.VolumeMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandCheckTest {
    @TempDir
    Path folder;

    private ImageRepository.StoredImage image(boolean withManifest) throws Exception {
        if (withManifest) {
            TreeMap<GuestPath, TreeManifest.Fingerprint> entries = new TreeMap<>();
            entries.put(GuestPath.of("/app"), new TreeManifest.Fingerprint('d', 0755, 0, 0, 0, "-"));
            entries.put(GuestPath.of("/app/hello"), new TreeManifest.Fingerprint('f', 0755, 0, 0, 10, "ab"));
            entries.put(GuestPath.of("/app/notes.txt"), new TreeManifest.Fingerprint('f', 0644, 0, 0, 3, "cd"));
            entries.put(GuestPath.of("/bin"), new TreeManifest.Fingerprint('l', 0777, 0, 0, 7, "ef"));
            entries.put(GuestPath.of("/opt/tool"), new TreeManifest.Fingerprint('l', 0777, 0, 0, 9, "01"));
            new TreeManifest(new TreeMap<>(Map.of("size", "64")), entries).write(folder.resolve(TreeManifest.FILE));
        }
        Path disk = Files.write(folder.resolve("image.qcow2"), new byte[1]);
        ImageMetadata metadata = new ImageMetadata("web", Instant.parse("2026-01-02T03:04:05Z"), Sha256.of(new byte[3]),
                Sha256.of(new byte[1]), "linux", Sha256.of(new byte[2]), "/app/hello", "ext4", 64 << 20, 1,
                Sha256.of(new byte[1]), "tcg", 128, 1, List.of(), 4);
        return new ImageRepository.StoredImage(metadata, disk);
    }

    private String refusal(String cmd) throws Exception {
        ImageRepository.StoredImage image = image(true);
        return assertThrows(JcapException.class, () -> RunCommandCheck.check(image, Optional.of(cmd))).getMessage();
    }

    @Test
    void aProgramTheImageLacks_isRefusedBeforeTheBoot_sayingWhereToLook() throws Exception {
        assertEquals("--cmd: /app/helo is not in image 'web' (its files: jcap images ls web /app)", refusal("/app/helo -v"));
        assertEquals("--cmd: /app/sub/x is not in image 'web' (its files: jcap images ls web /app)", refusal("/app/sub/x"));
        assertEquals("--cmd: /usr/sbin/nginx is not in image 'web' (its files: jcap images ls web /)",
                refusal("/usr/sbin/nginx"));
    }

    @Test
    void aFolderOrAFileWithoutExecuteBits_isRefused() throws Exception {
        assertEquals("--cmd: /app is a folder in image 'web', not a program", refusal("/app"));
        assertEquals("--cmd: /app/notes.txt is not executable in image 'web' (mode 644)", refusal("/app/notes.txt"));
    }

    @Test
    void whatOnlyTheGuestCanSettle_goesToTheGuest() throws Exception {
        ImageRepository.StoredImage image = image(true);
        for (String cmd : List.of("/app/hello world", "hello", "sh -c 'echo hi'", "/bin/sh -c true", "/opt/tool")) {
            assertDoesNotThrow(() -> RunCommandCheck.check(image, Optional.of(cmd)), cmd);
        }
        assertDoesNotThrow(() -> RunCommandCheck.check(image, Optional.empty()));
    }

    @Test
    void anImageWithoutAManifest_isNotChecked() throws Exception {
        ImageRepository.StoredImage image = image(false);
        assertDoesNotThrow(() -> RunCommandCheck.check(image, Optional.of("/app/helo")));
    }

    @Test
    void aVolumesFolderTheImageLacksOrHoldsAsAFile_isRefused_whatTheGuestMakesOrResolvesIsNot() throws Exception {
        ImageRepository.StoredImage image = image(true);
        List<VolumeMount> fine = List.of(VolumeMount.parse("a:/app"), VolumeMount.parse("b:/tmp/cache"),
                VolumeMount.parse("c:/bin/x"), VolumeMount.parse("d:/opt/tool"));

        JcapException missing = assertThrows(JcapException.class,
                () -> RunCommandCheck.checkVolumes(image, List.of(VolumeMount.parse("data:/data"))));
        JcapException file = assertThrows(JcapException.class,
                () -> RunCommandCheck.checkVolumes(image, List.of(VolumeMount.parse("data:/app/notes.txt:ro"))));

        assertEquals("--volume data:/data: image 'web' has no folder /data to mount it on (its root file system is"
                + " read-only): add an empty folder /data to its files (ROOTFS/data in the project) and build it again",
                missing.getMessage());
        assertEquals("--volume data:/app/notes.txt:ro: /app/notes.txt is a file in image 'web', not a folder to mount a"
                + " volume on", file.getMessage());
        assertDoesNotThrow(() -> RunCommandCheck.checkVolumes(image, fine));
        Files.delete(folder.resolve(TreeManifest.FILE));
        ImageRepository.StoredImage unlisted = image(false);
        assertDoesNotThrow(() -> RunCommandCheck.checkVolumes(unlisted, List.of(VolumeMount.parse("x:/data"))));
    }
}
