package io.jcap.builder.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRepositoryTest {
    @TempDir
    Path dir;

    private static ImageMetadata meta(String name, byte[] image) {
        return new ImageMetadata(name, Instant.parse("2026-01-02T03:04:05Z"), Sha256.of(name.getBytes()),
                Sha256.of(new byte[1]), "linux", Sha256.of(new byte[2]), "/app/hello", "ext4", 64 << 20,
                image.length, Sha256.of(image), "tcg", 128, 1, List.of(PortMapping.parse("8080"),
                PortMapping.parse("5353:53/udp")), 2);
    }

    private ImageRepository.StoredImage store(ImageRepository repo, String name, byte[] image) throws Exception {
        Path staging = repo.newStaging();
        Files.write(staging.resolve("image.qcow2"), image);
        return repo.commit(staging, meta(name, image));
    }

    @Test
    void commit_thenFind_returnsMetadataAndFile() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello", new byte[] {1, 2, 3});
        ImageRepository.StoredImage found = repo.get("hello");
        assertEquals(meta("hello", new byte[] {1, 2, 3}), found.metadata());
        assertEquals(dir.resolve("hello/image.qcow2"), found.file());
        assertEquals(List.of("hello"), repo.list().stream().map(i -> i.metadata().name()).toList());
    }

    @Test
    void commit_sameName_replacesTheImageAndLeavesNoStagingBehind() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello", new byte[] {1});
        store(repo, "hello", new byte[] {2, 2});
        assertEquals(2, Files.size(repo.get("hello").file()));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(".lock", "hello"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void discard_removesTheStagedImage() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        Path staging = repo.newStaging();
        Files.write(staging.resolve("image.qcow2"), new byte[10]);
        repo.discard(staging);
        assertFalse(Files.exists(staging));
        assertTrue(repo.list().isEmpty());
    }

    @Test
    void get_missing_listsWhatExists() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "one", new byte[1]);
        JcapException e = assertThrows(JcapException.class, () -> repo.get("two"));
        assertEquals("no image named 'two' (images: one)", e.getMessage());
    }

    @Test
    void find_corruptMetadata_namesTheFolderToDelete() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello", new byte[1]);
        Files.writeString(dir.resolve("hello/image.json"), "{\"name\": ");
        JcapException e = assertThrows(JcapException.class, () -> repo.find("hello"));
        assertTrue(e.getMessage().startsWith("image 'hello' is corrupt ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("): delete " + dir.resolve("hello") + " and build it again"), e.getMessage());
    }

    @Test
    void remove_deletesTheImage() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello", new byte[1]);
        assertTrue(repo.remove("hello"));
        assertFalse(repo.remove("hello"));
        assertFalse(Files.exists(dir.resolve("hello")));
    }

    @Test
    void commit_badName_isRefused() throws IOException {
        ImageRepository repo = new ImageRepository(dir);
        Path staging = repo.newStaging();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> repo.commit(staging, meta("Bad Name", new byte[1])));
        assertEquals("image name 'Bad Name' is not allowed: use 1 to 63 lower-case letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit", e.getMessage());
    }

    @Test
    void find_metadataFromBeforePortsAndProtocol_readsNoPortsAndProtocolOne() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "old", new byte[1]);
        Path json = dir.resolve("old/image.json");
        Files.writeString(json, Files.readString(json).replaceAll("(?s),\\s*\"ports\" : \\[.*?\\]", "")
                .replaceAll(",\\s*\"guestProtocol\" : 2", ""));

        ImageMetadata m = repo.get("old").metadata();

        assertEquals(List.of(), m.ports());
        assertEquals(1, m.guestProtocol());
    }
}
