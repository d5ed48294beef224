package io.jcap.builder.runtime;

import io.jcap.capstanfile.Runtime;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of a Java application, derived from the package file's {@code runtime.java}:
 * {@code /opt/java/bin/java [-Xms..] [-Xmx..] [-XX:+UseG1GC] [-XX:-UsePerfData] [jvm_args] (-jar JAR | -cp
 * CLASSPATH MAIN) [args]}.
 * With a main class the jar, if any, comes first on the class path; without one the jar runs
 * with {@code -jar}, so its manifest names the main class.
 *
 * <pre>{@code
 * String line = JavaCommandLine.derived(java); // "/opt/java/bin/java -Xmx64M -jar /app/app.jar"
 * }</pre>
 */
public final class JavaCommandLine {
    /**
     * Added when the options name no collector: only G1 maps the class data archive's heap objects
     * in JDK 17, and a one-CPU guest would otherwise get the serial collector, whose JVM takes
     * about 0.7 s longer to start under emulation (docs/benchmarks.md).
     */
    static final String G1 = "-XX:+UseG1GC";
    /**
     * Added unless the options name {@code UsePerfData}: without it the JVM keeps no performance
     * counters in a memory-mapped file under {@code /tmp/hsperfdata_USER}, which only tools on the
     * same machine ({@code jps}, {@code jstat}) read and a single-application VM has none of; it
     * saves about 0.1-0.2 s of the JVM's start under emulation (docs/benchmarks.md).
     */
    static final String NO_PERF_DATA = "-XX:-UsePerfData";

    private JavaCommandLine() {
    }

    /** The command line an image with this Java runtime runs when the package file has no {@code cmdline}. */
    public static String derived(Runtime.Java java) throws JcapException {
        return display(argv(java, JavaRuntime.HOME));
    }

    static List<String> argv(Runtime.Java java, GuestPath javaHome) throws JcapException {
        List<String> argv = new ArrayList<>();
        argv.add(javaHome.resolve("bin/java").value());
        java.xms().ifPresent(size -> argv.add("-Xms" + size.jvmValue()));
        java.xmx().ifPresent(size -> argv.add("-Xmx" + size.jvmValue()));
        if (sharesClassData(java.jvmArgs()) && java.jvmArgs().stream().noneMatch(JavaCommandLine::choosesCollector)) {
            argv.add(G1);
        }
        if (java.jvmArgs().stream().noneMatch(arg -> arg.matches("-XX:[+-]UsePerfData"))) {
            argv.add(NO_PERF_DATA);
        }
        argv.addAll(java.jvmArgs());
        if (java.main().isPresent()) {
            List<String> classpath = classpath(java);
            Optional<String> unloadable = unloadableMain(java);
            if (unloadable.isPresent()) {
                throw new JcapException("runtime.java: " + unloadable.get());
            }
            argv.add("-cp");
            argv.add(String.join(":", classpath));
            argv.add(java.main().get());
        } else if (java.jar().isPresent()) {
            argv.add("-jar");
            argv.add(java.jar().get().value());
        } else {
            throw new JcapException("runtime.java: give main or jar, or write the command line in cmdline");
        }
        argv.addAll(java.args());
        return argv;
    }

    /**
     * Whether the runtime gets a class data sharing archive: unless the JVM options turn sharing
     * off ({@code -Xshare:off}), which also leaves the archive out of the image.
     */
    static boolean sharesClassData(List<String> jvmArgs) {
        return !jvmArgs.contains("-Xshare:off");
    }

    /** An option naming the garbage collector ({@code -XX:+UseSerialGC}, {@code -XX:+UseZGC}...). */
    private static boolean choosesCollector(String arg) {
        return arg.matches("-XX:[+-]Use\\w*GC");
    }

    /** The class path as the JVM gets it: the jar first, then the classpath entries, each once. */
    /**
     * Why the derived command could not load {@code java}'s main class (none to load it from),
     * or empty: the Linux family's check says it at {@code main}'s line, the derivation here.
     */
    public static Optional<String> unloadableMain(Runtime.Java java) {
        return java.main().isPresent() && classpath(java).isEmpty() ? Optional.of("main " + java.main().get()
                + " needs a classpath or a jar to load it from: add classpath: [/app] or jar: /app/app.jar")
                : Optional.empty();
    }

    static List<String> classpath(Runtime.Java java) {
        Set<String> entries = new LinkedHashSet<>();
        java.jar().ifPresent(jar -> entries.add(jar.value()));
        java.classpath().forEach(entry -> entries.add(entry.value()));
        return List.copyOf(entries);
    }

    /** The words of {@code argv} as one line, quoted where a word would otherwise split or vanish. */
    static String display(List<String> argv) {
        List<String> words = new ArrayList<>();
        for (String word : argv) {
            words.add(word.isEmpty() || word.matches(".*[\\s'\"\\\\].*") ? "'" + word.replace("'", "'\\''") + "'" : word);
        }
        return String.join(" ", words);
    }
}
