package io.jcap.builder.runtime;

import io.jcap.builder.api.JcapHome;
import io.jcap.host.Durable;
import io.jcap.host.TempFiles;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Minimal Java runtimes made by {@code jlink} from the JDK jcap runs on, kept in
 * {@code <jcap home>/cache/jlink/<digest>}: the digest covers the module list, the JDK's release
 * and location, and jlink's options, so an unchanged application reuses its runtime without
 * running jlink. A runtime is linked into a temporary folder and moved into place in one step, so
 * an entry is complete or absent; two builds linking the same runtime at once both succeed and
 * one of their results is kept.
 */
final class JlinkCache {
    /** Changes whenever what a cache entry holds changes, so old entries are not used. */
    private static final String DIGEST_VERSION = "jcap-jlink-2";
    /** Written last into a runtime, naming what it was linked from; a complete entry has it. */
    static final String STAMP = "jcap-jlink.txt";

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
            return entry;
        } catch (IOException e) {
            throw new JcapException("could not cache the Java runtime in " + entry + ": " + e.getMessage(), e);
        } finally {
            TempFiles.delete(work);
        }
    }

    private static Sha256 digest(String description) {
        MessageDigest digest = Sha256.newDigest();
        digest.update((DIGEST_VERSION + "\n" + description).getBytes(StandardCharsets.UTF_8));
        return Sha256.of(digest);
    }
}
