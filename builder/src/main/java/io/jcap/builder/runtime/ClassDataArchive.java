package io.jcap.builder.runtime;

import io.jcap.host.HostTool;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The class data sharing (CDS) archive of a linked runtime: the classes of the runtime's default
 * class list ({@code lib/classlist}), parsed and laid out once on the host by the runtime's own
 * {@code java -Xshare:dump}, and mapped by every JVM that starts from that runtime. Under software
 * emulation this takes the JVM's creation from about 2.7 s to about 0.8 s (docs/benchmarks.md).
 *
 * <p>The archive is written at {@link #FILE}, where the JVM looks by default, so that no option is
 * needed in the guest. It is dumped with G1 because only G1 maps the archived heap objects in
 * JDK 17 (the module graph among them, which saves the module system's initialisation); other
 * collectors still use the archived classes. The dump runs in a separate process so that its
 * warnings about classes absent from a minimal runtime stay off jcap's output.
 *
 * <p>The dump's heap is set ({@link #DUMP_HEAP}) rather than left to the host's memory: the archived
 * heap objects are laid out for the compressed-pointer encoding of the dump's heap, and a guest
 * JVM whose heap uses another encoding must patch every archived pointer at each start. Any heap
 * under about 3 GB has the encoding of the 128 MiB one, so a guest with such a heap maps the
 * objects as they are, whatever machine made the image.
 */
final class ClassDataArchive {
    /** Where the JVM looks for its default archive, relative to the runtime's folder. */
    static final String FILE = "lib/server/classes.jsa";
    /** About a second here; generous, since a slow disk or a loaded machine stretches it. */
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** The dump's maximum heap: its compressed-pointer encoding is that of every heap under ~3 GB. */
    static final String DUMP_HEAP = "-Xmx128M";

    private ClassDataArchive() {
    }

    /**
     * Dumps the archive into {@code runtime}; when the dump fails the runtime is left without one
     * (it still works, only slower to start) and a warning says why.
     *
     * @return whether the archive was written
     */
    static boolean write(Path runtime, EventSink events) throws JcapException {
        Path archive = runtime.resolve(FILE);
        List<String> command = List.of(runtime.resolve("bin/java").toString(), "-XX:+UseG1GC", DUMP_HEAP, "-Xshare:dump",
                "-XX:SharedArchiveFile=" + archive);
        HostTool.Result result = HostTool.run(command, TIMEOUT);
        if (result.exitCode() != 0 || !Files.isRegularFile(archive)) {
            try {
                Files.deleteIfExists(archive);
            } catch (java.io.IOException e) {
                throw new JcapException("could not remove the failed class data archive " + archive + ": "
                        + e.getMessage(), e);
            }
            events.warn("No class data archive for the Java runtime (the JVM will start slower): java -Xshare:dump"
                    + " exited with " + result.exitCode() + ": " + lastLine(result));
            return false;
        }
        return true;
    }

    /** The dump writes its errors to standard output; standard error holds the JVM's own. */
    private static String lastLine(HostTool.Result result) {
        String text = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        return text.substring(text.lastIndexOf('\n') + 1).strip();
    }
}
