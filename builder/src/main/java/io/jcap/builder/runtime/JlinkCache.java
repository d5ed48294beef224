package io.jcap.builder.runtime;

import io.jcap.builder.api.JcapHome;
import io.jcap.host.CacheRetention;
import io.jcap.host.Durable;
import io.jcap.host.FileTrees;
import io.jcap.host.TempFiles;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.stream.Stream;

/**
 * Minimal Java runtimes made by {@code jlink} from the JDK jcap runs on, kept in
 * {@code <jcap home>/cache/jlink/<digest>}: the digest covers the module list, the JDK's release
 * and location, and jlink's options, so an unchanged application reuses its runtime without
 * running jlink. A runtime is linked into a temporary folder and moved into place in one step, so
 * an entry is complete or absent; two builds linking the same runtime at once both succeed and
 * one of their results is kept.
 *
 * <p>Each runtime is some 50 MB, and one is made for every module list and JDK an application
 * was built with, so the cache is pruned after each new runtime: the {@link #KEEP} used last stay,
 * and the others go once nobody used them for {@link #UNUSED} (a use touches the entry's stamp).
 */
final class JlinkCache {
    /** Changes whenever what a cache entry holds changes, so old entries are not used. */
    private static final String DIGEST_VERSION = "jcap-jlink-2";
    /** Written last into a runtime, naming what it was linked from; a complete entry has it. */
    static final String STAMP = "jcap-jlink.txt";
    /** How many runtimes, the last used, are kept whatever their age. */
    static final int KEEP = 8;
    /** How long a runtime beyond the {@link #KEEP} last used stays unused before it is deleted. */
    static final Duration UNUSED = Duration.ofDays(7);
    /** The prefix of an entry being deleted (renamed first, so no build finds half of it). */
    private static final String DELETING = ".deleting-";

    private final JcapHome home;
    private final EventSink events;

    JlinkCache(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    Path folder() {
        return home.cache().resolve("jlink");
    }

    /** Where jdeps' answers about applications are kept ({@link JavaModules}). */
    Path jdepsFolder() {
        return home.cache().resolve("jdeps");
    }

    /**
     * jlink's options besides the modules and the output folder. No {@code --compress}: the image's
     * qcow2 compresses {@code lib/modules} better (java.base: 6.1 MB with zstd, against 9.4 MB when
     * jlink has zipped each class), and the JVM then reads classes without inflating them.
     */
    static List<String> options() {
        return List.of("--strip-debug", "--no-header-files", "--no-man-pages");
    }

    /**
     * The folder of a runtime holding {@code modules}: from the cache, or linked now and cached.
     *
     * @param classData whether the runtime gets a class data sharing archive ({@link ClassDataArchive})
     */
    Path runtime(SortedSet<String> modules, boolean classData) throws JcapException {
        String description = "modules " + String.join(",", modules) + "\njdk " + JdkTools.javaHome() + " "
                + JdkTools.release() + "\noptions " + String.join(" ", options()) + "\ncds "
                + (classData ? "yes" : "no") + "\n";
        Path entry = folder().resolve(digest(description).hex());
        if (Files.isDirectory(entry)) {
            if (!Files.isRegularFile(entry.resolve(STAMP)) || !Files.isRegularFile(entry.resolve("bin/java"))) {
                throw new JcapException("the cached Java runtime " + entry + " is incomplete: delete that folder and"
                        + " build again");
            }
            events.info("Java runtime (" + String.join(",", modules) + ") from the cache: " + entry);
            markUsed(entry);
            return entry;
        }
        Optional<Path> jmods = JdkTools.jmods();
        events.info("Linking a Java runtime with jlink: " + String.join(",", modules));
        Path work = TempFiles.register(home.newWorkDir("jlink-"));
        try {
            Path output = work.resolve("runtime");
            List<String> args = new ArrayList<>();
            jmods.ifPresent(folder -> args.addAll(List.of("--module-path", folder.toString())));
            args.addAll(List.of("--add-modules", String.join(",", modules)));
            args.addAll(options());
            args.addAll(List.of("--output", output.toString()));
            JdkTools.Outcome outcome = JdkTools.run("jlink", args);
            if (outcome.status() != 0) {
                throw new JcapException("jlink could not build a Java runtime with " + String.join(",", modules)
                        + ": " + outcome.failure());
            }
            if (classData) {
                events.info("Writing the runtime's class data archive (java -Xshare:dump)");
                ClassDataArchive.write(output, events);
            }
            Files.writeString(output.resolve(STAMP), description, StandardCharsets.UTF_8);
            Files.createDirectories(folder());
            try {
                Durable.syncTree(output);
                Files.move(output, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                events.debug("Another build cached the same Java runtime first: " + entry);
            }
            events.info("Cached the Java runtime in " + entry);
            prune(entry);
            return entry;
        } catch (IOException e) {
            throw new JcapException("could not cache the Java runtime in " + entry + ": " + e.getMessage(), e);
        } finally {
            TempFiles.delete(work);
        }
    }

    /** Records a use of {@code entry}: its stamp's time is when it was last used. */
    private static void markUsed(Path entry) {
        try {
            Files.setLastModifiedTime(entry.resolve(STAMP), FileTime.from(Instant.now()));
        } catch (IOException e) {
            // A read-only cache: entries then age by when they were made.
        }
    }

    /**
     * Deletes the runtimes beyond the {@link #KEEP} last used that nobody used for {@link #UNUSED};
     * {@code keep} (the one just made) always stays. A failure leaves the entry for the next prune.
     */
    void prune(Path keep) {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(folder())) {
            for (Path e : list.toList()) {
                String name = e.getFileName().toString();
                if (name.startsWith(DELETING)) {
                    FileTrees.deleteQuietly(e); // a prune that was stopped half-way
                } else if (!e.equals(keep) && !name.startsWith(".") && Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                    entries.add(e);
                }
            }
        } catch (IOException e) {
            return;
        }
        for (Path entry : CacheRetention.expired(entries, JlinkCache::lastUsed, KEEP, Instant.now().minus(UNUSED))) {
            Path doomed = entry.resolveSibling(DELETING + entry.getFileName());
            try {
                Files.move(entry, doomed, StandardCopyOption.ATOMIC_MOVE);
                FileTrees.delete(doomed);
                events.debug("Deleted the cached Java runtime " + entry + ", unused for over " + UNUSED.toDays() + " days");
            } catch (IOException e) {
                events.debug("Could not delete the cached Java runtime " + entry + " (left for later): " + e.getMessage());
            }
        }
    }

    private static FileTime lastUsed(Path entry) {
        try {
            return Files.getLastModifiedTime(entry.resolve(STAMP), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0); // no stamp: an entry that never completed
        }
    }

    private static Sha256 digest(String description) {
        MessageDigest digest = Sha256.newDigest();
        digest.update((DIGEST_VERSION + "\n" + description).getBytes(StandardCharsets.UTF_8));
        return Sha256.of(digest);
    }
}
