package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.FileContent;
import io.jcap.model.ImageEntry;
import io.jcap.testsupport.CapstanRepositories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package archives read once into jcap's cache: read back as they were, read anew when the archive changes. */
class MpmCacheTest {
    @TempDir
    Path temp;

    private Path writePackage(String greeting) throws Exception {
        return CapstanRepositories.pkg("lib").file("etc/greeting", greeting).file("bin/serve.so",
                "ELF".getBytes(StandardCharsets.UTF_8), 0755).symlink("serve", "bin/serve.so")
                .runYaml("runtime: native\nbootcmd: /serve\n").writeTo(temp.resolve("repo"));
    }

    private static Path file(MpmArchive archive, String path) {
        return archive.entries().stream().filter(e -> e.path().value().equals(path))
                .map(e -> ((FileContent.HostFile) ((ImageEntry.RegularFile) e).content()).path()).findFirst()
                .orElseThrow();
    }

    @Test
    void read_again_comesFromTheCache_withTheSameEntriesAndFiles() throws Exception {
        Path mpm = writePackage("hi\n");
        MpmCache cache = new MpmCache(temp.resolve("cache"));

        MpmArchive first = cache.read("lib", mpm);
        Object inode = Files.readAttributes(file(first, "/etc/greeting"), BasicFileAttributes.class).fileKey();
        MpmArchive second = cache.read("lib", mpm);

        assertEquals(first, second);
        assertEquals(List.of("/etc", "/etc/greeting", "/bin", "/bin/serve.so", "/serve"),
                second.entries().stream().map(e -> e.path().value()).toList());
        assertEquals(0755, second.entries().get(3).mode());
        assertEquals(new ImageEntry.Symlink(io.jcap.model.GuestPath.of("/serve"), "bin/serve.so"), second.entries().get(4));
        assertEquals(inode, Files.readAttributes(file(second, "/etc/greeting"), BasicFileAttributes.class).fileKey(),
                "the same file, not one read out of the archive again");
        assertTrue(file(second, "/etc/greeting").startsWith(temp.resolve("cache")));
        assertEquals("runtime: native\nbootcmd: /serve\n", Files.readString(second.runManifest().orElseThrow()));
        try (var names = Files.list(temp.resolve("cache"))) {
            assertEquals(1, names.count(), "no staging folder left");
        }
    }

    @Test
    void read_aChangedArchive_readsItAnew_andKeepsOnlyTheNewVersion() throws Exception {
        MpmCache cache = new MpmCache(temp.resolve("cache"));
        Path old = file(cache.read("lib", writePackage("hi\n")), "/etc/greeting");

        Path now = file(cache.read("lib", writePackage("hello\n")), "/etc/greeting");

        assertEquals("hello\n", Files.readString(now));
        assertFalse(Files.exists(old), "the older version is gone from the cache");
        try (var names = Files.list(temp.resolve("cache"))) {
            assertEquals(1, names.count());
        }
    }

    @Test
    void read_aDamagedCache_readsTheArchiveAgain() throws Exception {
        Path mpm = writePackage("hi\n");
        MpmCache cache = new MpmCache(temp.resolve("cache"));
        Path greeting = file(cache.read("lib", mpm), "/etc/greeting");
        Path list = greeting.getParent().resolveSibling("entries.json");

        Files.writeString(greeting, "cut short");
        assertEquals("hi\n", Files.readString(file(cache.read("lib", mpm), "/etc/greeting")), "a file of another size");

        Files.writeString(list, "{\"version\": 1, \"entries\": [");
        assertEquals("hi\n", Files.readString(file(cache.read("lib", mpm), "/etc/greeting")), "a list cut short");
    }
}
