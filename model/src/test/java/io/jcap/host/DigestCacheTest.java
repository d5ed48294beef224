package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.FileIdentity;
import io.jcap.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestCacheTest {
    /** Trusts every file, however recently changed: the tests need not wait out the racy window. */
    private static final Duration TRUST_ALL = Duration.ofSeconds(-60);

    @TempDir
    Path temp;

    @Test
    void sha256_isTheFilesDigest_andIsRememberedByTheFilesIdentity() throws Exception {
        Path data = Files.writeString(temp.resolve("vmlinuz"), "kernel bytes");
        Path store = temp.resolve("digests");
        DigestCache cache = DigestCache.at(store, TRUST_ALL);
        assertEquals(Sha256.of(data), cache.sha256(data));
        cache.save();

        // The saved entry is what a new cache answers for the same identity, without reading the
        // file: a digest planted in the entry comes back.
        String planted = "ab".repeat(32);
        List<String> lines = Files.readAllLines(store);
        assertEquals(2, lines.size(), lines.toString());
        Files.writeString(store, lines.get(0) + "\n" + planted + lines.get(1).substring(64) + "\n");
        assertEquals(planted, DigestCache.at(store, TRUST_ALL).sha256(data).hex());
    }

    @Test
    void changedSinceAnswered_namesFilesRewrittenRemovedOrOtherwiseChanged_notOnesOnlyLinkedOrChmodded() throws Exception {
        Path same = Files.writeString(temp.resolve("same"), "same");
        Path rewritten = Files.writeString(temp.resolve("rewritten"), "AAAA");
        Path backdated = Files.writeString(temp.resolve("backdated"), "AAAA");
        Path linked = Files.writeString(temp.resolve("linked"), "kernel");
        Path removed = Files.writeString(temp.resolve("removed"), "x");
        DigestCache cache = DigestCache.at(temp.resolve("digests"), TRUST_ALL);
        for (Path p : List.of(same, rewritten, backdated, linked, removed)) {
            cache.sha256(p);
        }
        assertEquals(List.of(), cache.changedSinceAnswered());

        FileTime then = Files.getLastModifiedTime(backdated);
        Files.writeString(rewritten, "BBBB");
        Files.setLastModifiedTime(rewritten, FileTime.fromMillis(Files.getLastModifiedTime(rewritten).toMillis() + 5000));
        // The same size and, once set back, the same modification time: only the bytes and ctime differ.
        Files.writeString(backdated, "BBBB");
        Files.setLastModifiedTime(backdated, then);
        // Another name and other permissions change the ctime alone, as a build's hard link to its kernel does.
        Files.createLink(temp.resolve("linked-again"), linked);
        Files.setPosixFilePermissions(linked, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        Files.delete(removed);

        assertEquals(List.of(rewritten, backdated, removed), cache.changedSinceAnswered());
    }

    @Test
    void sha256_ofALargeFile_readByAHostTool_isTheJavaDigest_andAMissingOneFailsAsJavaDoes() throws Exception {
        byte[] bytes = new byte[(int) DigestCache.TOOL_BYTES + 12345];
        new java.util.Random(3).nextBytes(bytes);
        Path data = Files.write(temp.resolve("big kernel"), bytes);
        DigestCache cache = DigestCache.at(temp.resolve("digests"), Duration.ofSeconds(-1));

        assertEquals(Sha256.of(bytes), cache.sha256(data));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> cache.sha256(temp.resolve("gone")));
    }

    @Test
    void sha256_ofAFileRewrittenWithOtherBytesOfTheSameSize_readsItAgain() throws Exception {
        Path data = Files.writeString(temp.resolve("app"), "version 1");
        Path store = temp.resolve("digests");
        DigestCache cache = DigestCache.at(store, TRUST_ALL);
        cache.sha256(data);
        cache.save();
        // A rewrite within the file clock's tick is the racy case TRUST_ALL lets through: the
        // edit gets a modification time of its own, as one a moment later would.
        FileTime hashed = Files.getLastModifiedTime(data);
        Files.writeString(data, "version 2");
        Files.setLastModifiedTime(data, FileTime.fromMillis(hashed.toMillis() + 1000));
        assertEquals(Sha256.of(data), DigestCache.at(store, TRUST_ALL).sha256(data));
        assertEquals(Sha256.of(data), cache.sha256(data));
    }

    @Test
    void sha256_ofAFileChangedJustBeforeItWasRead_isNotRemembered() throws Exception {
        Path data = Files.writeString(temp.resolve("fresh"), "just written");
        Path store = temp.resolve("digests");
        DigestCache cache = DigestCache.at(store);
        assertEquals(Sha256.of(data), cache.sha256(data));
        cache.save();
        assertFalse(Files.exists(store), "a racily clean file is not remembered");
    }

    /** A walk reads each file's identity once and hands it over; a change after it is named at the end. */
    @Test
    void sha256_ofAFileWithTheIdentityItsWalkRead_usesThatIdentity_andAChangeSinceIsNamedAfterwards() throws Exception {
        Path data = Files.writeString(temp.resolve("app.js"), "AAAA");
        FileIdentity walked = FileIdentity.of(data);
        Path store = temp.resolve("digests");
        DigestCache first = DigestCache.at(store, TRUST_ALL);
        assertEquals(Sha256.of(data), first.sha256(data, walked));
        first.save();

        Files.writeString(data, "BBBBBB");
        DigestCache second = DigestCache.at(store, TRUST_ALL);
        // What the walk saw is what was hashed: the remembered digest, for the identity then.
        assertEquals(Sha256.of("AAAA".getBytes(StandardCharsets.UTF_8)), second.sha256(data, walked));
        assertEquals(List.of(data), second.changedSinceAnswered());
        // Asked with the identity of now, the file is read again.
        assertEquals(Sha256.of(data), second.sha256(data, FileIdentity.of(data)));
    }

    @Test
    void at_aDamagedOrForeignFile_isAnEmptyCache() throws Exception {
        Path data = Files.writeString(temp.resolve("file"), "bytes");
        for (String damaged : List.of("zz 1 2 3 4 5 ", "ab".repeat(32) + " 5 x 3 4 5 ", "AB".repeat(32) + " 5 1 2 3 4 ",
                "ab".repeat(31) + " 5 1 2 3 4 ")) {
            Path store = Files.writeString(temp.resolve("digests"), "jcap-digests-1\nnot a line\n" + damaged + data + "\n");
            assertEquals(Sha256.of(data), DigestCache.at(store, TRUST_ALL).sha256(data), damaged);
        }
        Path foreign = Files.writeString(temp.resolve("other"), "something else entirely\n");
        assertEquals(Sha256.of(data), DigestCache.at(foreign, TRUST_ALL).sha256(data));
    }

    @Test
    void save_keepsTheMostRecentlyUsedFiles_upToTheLimit() throws Exception {
        Path store = temp.resolve("digests");
        Path first = Files.writeString(temp.resolve("first"), "first");
        DigestCache earlier = DigestCache.at(store, TRUST_ALL);
        earlier.sha256(first);
        earlier.save();
        DigestCache cache = DigestCache.at(store, TRUST_ALL);
        for (int i = 0; i < DigestCache.MAX_ENTRIES; i++) {
            cache.sha256(Files.writeString(temp.resolve("f" + i), "file " + i));
        }
        cache.save();
        assertTrue(Files.readString(store).contains(" " + first + "\n"), "the files of this use and MAX_ENTRIES others");
        DigestCache last = DigestCache.at(store, TRUST_ALL);
        Path newest = Files.writeString(temp.resolve("newest"), "newest");
        last.sha256(newest);
        last.save();
        List<String> lines = Files.readAllLines(store, StandardCharsets.UTF_8);
        assertEquals(1 + 1 + DigestCache.MAX_ENTRIES, lines.size(), "the header, this use's file and the others");
        assertFalse(lines.stream().anyMatch(l -> l.endsWith(" " + first)), "the least recently used file left");
        assertTrue(lines.get(lines.size() - 1).endsWith(" " + newest));
    }

    /**
     * A project of more files than the limit: every file of the last use stays (with the limit's
     * number of others, so that a small project built between two builds of it keeps its files
     * too), so its next build reads none of them again (before, the first ones were pushed out by the last, and every build
     * of a tree of 20 000 files read all of them).
     */
    @Test
    void save_keepsEveryFileOfItsUse_evenMoreThanTheLimit() throws Exception {
        Path store = temp.resolve("digests");
        int files = DigestCache.MAX_ENTRIES + 100;
        DigestCache cache = DigestCache.at(store, TRUST_ALL);
        for (int i = 0; i < files; i++) {
            cache.sha256(Files.writeString(temp.resolve("f" + i), "file " + i));
        }
        cache.save();
        assertEquals(files + 1, Files.readAllLines(store, StandardCharsets.UTF_8).size());

        DigestCache next = DigestCache.at(store, TRUST_ALL);
        for (int i = 0; i < files; i++) {
            next.sha256(temp.resolve("f" + i));
        }
        byte[] before = Files.readAllBytes(store);
        next.save();
        assertArrayEquals(before, Files.readAllBytes(store), "nothing new learnt: every file was remembered");
    }

    @Test
    void none_remembersNothing() throws Exception {
        Path data = Files.writeString(temp.resolve("file"), "bytes");
        DigestCache cache = DigestCache.none();
        assertEquals(Sha256.of(data), cache.sha256(data));
        cache.save();
        try (var files = Files.list(temp)) {
            assertEquals(1, files.count());
        }
    }
}
