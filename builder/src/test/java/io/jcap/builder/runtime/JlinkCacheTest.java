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

        FileTime linked = Files.getLastModifiedTime(runtime.resolve(JlinkCache.STAMP));
        events.clear();
        assertEquals(runtime, cache.runtime(modules, true));
        assertEquals(List.of("INFO Java runtime (java.base) from the cache: " + runtime), events.lines());
        assertEquals(linked, Files.getLastModifiedTime(runtime.resolve(JlinkCache.STAMP)));

        Files.delete(runtime.resolve(JlinkCache.STAMP));
        JcapException e = assertThrows(JcapException.class, () -> cache.runtime(modules, true));
        assertEquals("the cached Java runtime " + runtime + " is incomplete: delete that folder and build again",
                e.getMessage());
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
