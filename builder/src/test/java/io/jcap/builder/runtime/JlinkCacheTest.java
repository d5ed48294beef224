package io.jcap.builder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.JcapHome;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JlinkCacheTest {
    @TempDir
    Path temp;

    @Test
    void runtime_linksOnce_thenComesFromTheCache_andAnIncompleteEntryIsReported() throws Exception {
        RecordedEvents events = new RecordedEvents();
        JcapHome home = new JcapHome(temp);
        JlinkCache cache = new JlinkCache(home, events);
        TreeSet<String> modules = new TreeSet<>(List.of("java.base"));

        Path runtime = cache.runtime(modules, true);
        assertEquals(home.cache().resolve("jlink"), runtime.getParent());
        assertEquals(List.of("INFO Linking a Java runtime with jlink: java.base",
                "INFO Writing the runtime's class data archive (java -Xshare:dump)",
                "INFO Cached the Java runtime in " + runtime), events.lines());
        assertTrue(Files.size(runtime.resolve(ClassDataArchive.FILE)) > 1 << 20, "a class data archive");
        assertTrue(Files.isExecutable(runtime.resolve("bin/java")));
        assertTrue(Files.isRegularFile(runtime.resolve("lib/modules")));
        assertFalse(Files.exists(runtime.resolve("include")), "--no-header-files");
        assertFalse(Files.exists(runtime.resolve("man")), "--no-man-pages");
        assertEquals("modules java.base\njdk " + JdkTools.javaHome() + " " + JdkTools.release() + "\noptions "
                + String.join(" ", JlinkCache.options()) + "\ncds yes\n", Files.readString(runtime.resolve(JlinkCache.STAMP)));
        try (var left = Files.list(home.tmp())) {
            assertEquals(List.of(), left.toList());
        }

        FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofDays(30)));
        Files.setLastModifiedTime(runtime.resolve(JlinkCache.STAMP), longAgo);
        String stamp = Files.readString(runtime.resolve(JlinkCache.STAMP));
        events.clear();
        assertEquals(runtime, cache.runtime(modules, true));
        assertEquals(List.of("INFO Java runtime (java.base) from the cache: " + runtime), events.lines());
        assertEquals(stamp, Files.readString(runtime.resolve(JlinkCache.STAMP)), "not linked again");
        assertTrue(Files.getLastModifiedTime(runtime.resolve(JlinkCache.STAMP)).toInstant()
                .isAfter(Instant.now().minus(Duration.ofHours(1))), "the use is recorded on the stamp");

        Files.delete(runtime.resolve(JlinkCache.STAMP));
        JcapException e = assertThrows(JcapException.class, () -> cache.runtime(modules, true));
        assertEquals("the cached Java runtime " + runtime + " is incomplete: delete that folder and build again",
                e.getMessage());
    }

    /**
     * The cache grew by a runtime of some 50 MB for every module list and JDK, for ever. The
     * last used stay; older ones go once unused for a week.
     */
    @Test
    void prune_keepsTheLastUsed_andDeletesTheOthersOnceUnusedForAWeek() throws Exception {
        JlinkCache cache = new JlinkCache(new JcapHome(temp), new RecordedEvents());
        Instant now = Instant.now();
        for (int i = 0; i < 10; i++) {
            entry(cache, "e" + i, now.minus(Duration.ofDays(2L * i + 1))); // e0 a day ago ... e9 19 days ago
        }
        Files.createDirectories(cache.folder().resolve("incomplete")); // no stamp: never finished
        Path stopped = Files.createDirectories(cache.folder().resolve(".deleting-old/lib"));
        Path fresh = entry(cache, "fresh", now);

        cache.prune(fresh);

        try (var left = Files.list(cache.folder())) {
            // The new one and the 7 last used besides it; of the rest, only what is a week old or more goes.
            assertEquals(List.of("e0", "e1", "e2", "e3", "e4", "e5", "e6", "fresh"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertFalse(Files.exists(stopped.getParent()), "a prune stopped half-way is finished");

        for (int i = 0; i < 6; i++) {
            entry(cache, "recent" + i, now.minus(Duration.ofDays(2)));
        }
        cache.prune(fresh);
        try (var left = Files.list(cache.folder())) {
            // Used within the week: fresh, e0 to e2 and the six, ten in all, beyond the 8 last used.
            assertEquals(List.of("e0", "e1", "e2", "fresh", "recent0", "recent1", "recent2", "recent3", "recent4",
                    "recent5"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    private static Path entry(JlinkCache cache, String name, Instant used) throws Exception {
        Path entry = Files.createDirectories(cache.folder().resolve(name).resolve("bin"));
        Files.writeString(entry.resolve("java"), "");
        Path stamp = Files.writeString(entry.getParent().resolve(JlinkCache.STAMP), name);
        Files.setLastModifiedTime(stamp, FileTime.from(used));
        return entry.getParent();
    }

    @Test
    void runtime_withoutClassData_isLinkedApart_andHasNoArchive() throws Exception {
        RecordedEvents events = new RecordedEvents();
        JlinkCache cache = new JlinkCache(new JcapHome(temp), events);
        Path runtime = cache.runtime(new TreeSet<>(List.of("java.base")), false);
        assertFalse(Files.exists(runtime.resolve(ClassDataArchive.FILE)));
        assertTrue(Files.readString(runtime.resolve(JlinkCache.STAMP)).endsWith("\ncds no\n"));
        assertEquals(List.of("INFO Linking a Java runtime with jlink: java.base", "INFO Cached the Java runtime in "
                + runtime), events.lines());
    }

    @Test
    void runtime_unknownModule_namesItInJlinksError() throws Exception {
        JlinkCache cache = new JlinkCache(new JcapHome(temp), new RecordedEvents());
        JcapException e = assertThrows(JcapException.class,
                () -> cache.runtime(new TreeSet<>(List.of("java.base", "no.such.module")), true));
        assertEquals("jlink could not build a Java runtime with java.base,no.such.module: status 1: Error: Module"
                + " no.such.module not found", e.getMessage());
        Path folder = temp.resolve("cache/jlink");
        if (Files.isDirectory(folder)) {
            try (var cached = Files.list(folder)) {
                assertEquals(List.of(), cached.toList(), "nothing cached");
            }
        }
    }
}
