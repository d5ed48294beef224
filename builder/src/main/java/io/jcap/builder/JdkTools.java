package io.jcap.builder;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;

/**
 * The JDK tools jcap runs in its own process ({@code jdeps}, {@code jlink}), from the JDK it runs
 * on, so that the Java runtime of an image matches the JDK that analysed the application.
 */
final class JdkTools {
    /** What a tool printed and its status. */
    record Outcome(int status, String out, String err) {
        /** The first line of the error output, or of the output when the tool wrote errors there. */
        String firstErrorLine() {
            String text = err.isBlank() ? out : err;
            return text.strip().lines().findFirst().orElse("no output");
        }
    }

    private JdkTools() {
    }

    static Outcome run(String tool, List<String> args) throws JcapException {
        ToolProvider provider = ToolProvider.findFirst(tool).orElseThrow(() -> new EnvironmentException("jcap runs"
                + " on " + javaHome() + ", which has no " + tool + ": run jcap on a full JDK (apt-get install"
                + " openjdk-17-jdk-headless)"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            status = provider.run(o, e, args.toArray(String[]::new));
        }
        return new Outcome(status, out.toString(), err.toString());
    }

    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** The JDK's packaged modules, which jlink links from. */
    static Path jmods() throws JcapException {
        Path jmods = javaHome().resolve("jmods");
        if (!Files.isDirectory(jmods)) {
            throw new EnvironmentException("the JDK at " + javaHome() + " has no jmods folder, which jlink needs to"
                    + " build a Java runtime: install it (Debian: apt-get install openjdk-17-jdk-headless, or"
                    + " openjdk-17-jmods where it is a package of its own)");
        }
        return jmods;
    }

    /** The release of the JDK, such as {@code 17.0.15+6-Debian-1deb12u1}. */
    static String release() {
        return System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
    }
}
