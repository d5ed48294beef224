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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRepositoryTest {
    @TempDir
    Path dir;

    static ImageMetadata meta(String name, byte[] image) {
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

    /**
     * A reader that meets a commit half-way (the old folder renamed away, the new one not yet in
     * place; or the new record beside the old disk) looks again under the repository's lock: a run
     * started while a build replaced its image was told the image was missing or broken.
     */
    @Test
    void find_duringACommitsSwap_waitsForTheCommitAndFindsTheNewImage() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello", new byte[] {1});
        Path staging = repo.newStaging();
        Files.write(staging.resolve("image.qcow2"), new byte[] {2, 2});
        Files.write(staging.resolve("image.json"), ImageMetadataJson.toBytes(meta("hello", new byte[] {2, 2})));
        java.util.concurrent.CountDownLatch halfWay = new java.util.concurrent.CountDownLatch(1);
        Thread commit = new Thread(() -> {
            try (io.jcap.host.FolderLock lock = repo.lock()) {
                Files.move(dir.resolve("hello"), dir.resolve(".retired-hello"));
                halfWay.countDown();
                Thread.sleep(300);
                Files.move(staging, dir.resolve("hello"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        commit.start();
        halfWay.await();

        Optional<ImageRepository.StoredImage> found = repo.find("hello");
        commit.join();

        assertEquals(2, found.orElseThrow().metadata().diskSize());
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
        assertTrue(e.getMessage().startsWith("image 'hello' is broken: " + dir.resolve("hello/image.json")
                + " cannot be read ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); remove it with jcap rmi hello and build it again"), e.getMessage());
    }

    @Test
    void usable_isTheStoredImage_andNoneForAMissingOrBrokenOne() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello", new byte[1]);
        store(repo, "broken", new byte[1]);
        Files.writeString(dir.resolve("broken/image.json"), "{\"name\": ");

        assertEquals("hello", repo.usable("hello").orElseThrow().metadata().name());
        assertEquals(java.util.Optional.empty(), repo.usable("broken"), "a build replaces it");
        assertEquals(java.util.Optional.empty(), repo.usable("missing"));
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

    @Test
    void listing_namesBrokenImagesAndListsTheRest() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        for (String name : List.of("a", "garbage", "no-disk", "no-record", "truncated")) {
            store(repo, name, new byte[100]);
        }
        Files.write(dir.resolve("garbage/image.json"), new byte[] {0, (byte) 0xff, '{'});
        Files.delete(dir.resolve("no-disk/image.qcow2"));
        Files.delete(dir.resolve("no-record/image.json"));
        Files.write(dir.resolve("truncated/image.qcow2"), new byte[40]);

        ImageRepository.Listing listing = repo.listing();

        assertEquals(List.of("a"), listing.images().stream().map(i -> i.metadata().name()).toList());
        assertEquals(List.of("garbage", "no-disk", "no-record", "truncated"),
                listing.broken().stream().map(ImageRepository.BrokenImage::name).toList());
        assertTrue(listing.broken().get(0).problem().startsWith(dir.resolve("garbage/image.json") + " cannot be read ("),
                listing.broken().get(0).problem());
        assertEquals(dir.resolve("no-disk/image.qcow2") + " is missing", listing.broken().get(1).problem());
        assertEquals(dir.resolve("no-record/image.json") + " is missing", listing.broken().get(2).problem());
        assertEquals(dir.resolve("truncated/image.qcow2") + " is 40 bytes, not the 100 recorded when it was built"
                + " (truncated or altered)", listing.broken().get(3).problem());
        assertEquals(List.of("a"), repo.list().stream().map(i -> i.metadata().name()).toList());
        // jcap images --json lists them too, after the usable ones, each with what is wrong.
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(ImageMetadataJson.listing(listing));
        assertEquals(5, json.size());
        assertEquals("a", json.get(0).get("name").asText());
        assertTrue(json.get(0).has("diskSize") && !json.get(0).has("broken"));
        assertEquals("truncated", json.get(4).get("name").asText());
        assertEquals(dir.resolve("truncated").toString(), json.get(4).get("folder").asText());
        assertEquals(listing.broken().get(3).problem(), json.get(4).get("broken").asText());
        assertEquals(3, json.get(4).size());
    }

    @Test
    void listing_folderRenamedByHand_isBrokenUnderTheFoldersName() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "bad", new byte[100]);
        Files.move(dir.resolve("bad"), dir.resolve("bad2"));

        ImageRepository.Listing listing = repo.listing();

        assertEquals(List.of(), listing.images());
        assertEquals(List.of("bad2"), listing.broken().stream().map(ImageRepository.BrokenImage::name).toList());
        assertEquals(dir.resolve("bad2/image.json") + " names image 'bad', not 'bad2' (a folder renamed or copied by"
                + " hand)", listing.broken().get(0).problem());
        JcapException e = assertThrows(JcapException.class, () -> repo.find("bad2"));
        assertTrue(e.getMessage().endsWith("; remove it with jcap rmi bad2 and build it again"), e.getMessage());
        assertTrue(repo.remove("bad2"));
    }

    /** A link in the store was neither listed nor removable: the image seemed to have vanished. */
    @Test
    void listing_imageFolderThatIsALink_isBrokenNeverFollowed_andRmiRemovesTheLinkOnly(@TempDir Path other)
            throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "real", new byte[100]);
        Path elsewhere = other.resolve("elsewhere");
        Files.move(dir.resolve("real"), elsewhere);
        Files.createSymbolicLink(dir.resolve("real"), elsewhere);

        ImageRepository.Listing listing = repo.listing();

        assertEquals(List.of(), listing.images());
        assertEquals(List.of("real"), listing.broken().stream().map(ImageRepository.BrokenImage::name).toList());
        assertEquals(dir.resolve("real") + " is a symbolic link (to " + elsewhere + "), not a folder: jcap follows no"
                + " link in its image store; move the image's folder here instead", listing.broken().get(0).problem());
        JcapException e = assertThrows(JcapException.class, () -> repo.find("real"));
        assertTrue(e.getMessage().endsWith("; remove it with jcap rmi real and build it again"), e.getMessage());

        assertTrue(repo.remove("real"));
        assertFalse(Files.exists(dir.resolve("real"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(elsewhere.resolve("image.qcow2")), "what the link led to is not the store's");
        assertEquals(List.of(), repo.listing().broken());
    }

    @Test
    void remove_brokenImage_removesItsFolder() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello", new byte[10]);
        Files.write(dir.resolve("hello/image.qcow2"), new byte[3]);
        assertThrows(JcapException.class, () -> repo.get("hello"));

        assertTrue(repo.remove("hello"));

        assertFalse(Files.exists(dir.resolve("hello")));
        assertEquals(List.of(), repo.listing().broken());
    }

    @Test
    void upToDate_brokenImage_isNotReusedAndACommitReplacesIt() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        ImageMetadata stored = store(repo, "hello", new byte[10]).metadata();
        Files.write(dir.resolve("hello/image.qcow2"), new byte[3]);

        assertTrue(repo.upToDate("hello", stored.inputsDigest()).isEmpty());
        store(repo, "hello", new byte[10]);
        assertEquals(10, Files.size(repo.get("hello").file()));
    }

    @Test
    void newStaging_sweepsTheStagingFolderOfAKilledBuild_andCommitLeavesNoLockFile() throws Exception {
        Path dead = dir.resolve(".staging-123456");
        Files.createDirectories(dead);
        Files.write(dead.resolve("image.qcow2"), new byte[10]);
        Files.createFile(dir.resolve(".staging-123456" + io.jcap.host.TempFiles.LOCK_SUFFIX));
        ImageRepository repo = new ImageRepository(dir);

        store(repo, "hello", new byte[1]);

        try (var files = Files.list(dir)) {
            assertEquals(List.of(".lock", "hello"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void lockForBuild_heldByThisProcess_saysSoAndIsFreeAgainOnceClosed() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        try (BuildLock lock = repo.lockForBuild("hello")) {
            JcapException e = assertThrows(JcapException.class, () -> repo.lockForBuild("hello"));
            assertEquals("image 'hello' is being built or pulled by another jcap (process " + ProcessHandle.current().pid()
                    + ", this one): wait for it to end, or use another name (--name)", e.getMessage());
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dir.resolve(".build-hello.lock")));
            try (BuildLock other = repo.lockForBuild("other")) {
                assertTrue(Files.exists(dir.resolve(".build-other.lock")));
            }
            assertFalse(Files.exists(dir.resolve(".build-other.lock")), "the file goes with the lock");
        }
        try (BuildLock again = repo.lockForBuild("hello")) {
            assertTrue(Files.exists(dir.resolve(".build-hello.lock")));
        }
        assertFalse(Files.exists(dir.resolve(".build-hello.lock")));
        JcapException bad = assertThrows(JcapException.class, () -> repo.lockForBuild("Bad Name"));
        assertTrue(bad.getMessage().startsWith("image name 'Bad Name' is not allowed"), bad.getMessage());
    }

    @Test
    void remove_ofNoImage_stillRemovesTheFreeLockFileAKilledBuildOfItLeft() throws Exception {
        ImageRepository repository = new ImageRepository(dir);
        Files.createDirectories(dir);
        Path leftover = Files.writeString(dir.resolve(".build-gone.lock"), "12345\n");

        assertFalse(repository.remove("gone"));
        assertFalse(Files.exists(leftover), "the free lock file stayed");
    }
}
