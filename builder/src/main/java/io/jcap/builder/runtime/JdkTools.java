package io.jcap.builder.runtime;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.spi.ToolProvider;

/**
 * The JDK tools jcap runs in its own process ({@code jdeps}, {@code jlink}), from the JDK it runs
 * on, so that the Java runtime of an image matches the JDK that analysed the application.
 */
final class JdkTools {
    /** What a tool printed and its status; a tool that threw has status {@link #CRASHED}. */
    record Outcome(int status, String out, String err) {
        static final int CRASHED = -1;

        /** Why the tool failed, in one line: its status and first error line, or the error it threw. */
        String failure() {
            String text = err.isBlank() ? out : err;
            String first = text.strip().lines().findFirst().orElse("no output");
            return status == CRASHED ? "it stopped with " + first : "status " + status + ": " + first;
        }
    }

    /**
     * One tool run at a time in this JVM: jlink and jdeps share the JDK's image reader (lib/modules)
     * and its zip files, and two runs in threads (the Maven plugin's builds under -T 2) failed with
     * "zip file closed" and ConcurrentModificationException.
     */
    private static final Object ONE_AT_A_TIME = new Object();

    private JdkTools() {
    }

    static Outcome run(String tool, List<String> args) throws JcapException {
        synchronized (ONE_AT_A_TIME) {
            return runAlone(tool, args);
        }
    }

    /** The JDK's {@code tool}; refused, saying how to get a full JDK, when jcap runs on a JDK without it. */
    static ToolProvider provider(String tool) throws JcapException {
        return ToolProvider.findFirst(tool).orElseThrow(() -> new EnvironmentException("jcap runs on " + javaHome()
                + ", which has no " + tool + ": run jcap on a full JDK (apt-get install openjdk-17-jdk-headless, or"
                + " set JAVA_HOME to one)"));
    }

    private static Outcome runAlone(String tool, List<String> args) throws JcapException {
        ToolProvider provider = provider(tool);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            status = provider.run(o, e, args.toArray(String[]::new));
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            // jdeps throws (an Error, even) on a damaged class file instead of reporting it; the deepest
            // cause says what.
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return new Outcome(Outcome.CRASHED, out.toString(), cause.toString());
        }
        return new Outcome(status, out.toString(), err.toString());
    }

    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /**
     * The JDK's packaged modules, which jlink links from; empty when the JDK has none but its jlink
     * can link from the run-time image itself (JDK 24 and later, when the JDK was built so).
     */
    static Optional<Path> jmods() throws JcapException {
        Path jmods = javaHome().resolve("jmods");
        if (Files.isDirectory(jmods)) {
            return Optional.of(jmods);
        }
        if (java.lang.Runtime.version().feature() >= 24) {
            return Optional.empty();
        }
        throw new EnvironmentException("the JDK at " + javaHome() + " has no jmods folder, which jlink needs to"
                + " build a Java runtime: install it (Debian: apt-get install openjdk-17-jdk-headless, or"
                + " openjdk-17-jmods where it is a package of its own), or set JAVA_HOME to a JDK that has one");
    }

    /** The release of the JDK, such as {@code 17.0.15+6-Debian-1deb12u1}. */
    static String release() {
        return System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
    }
}
