package io.jcap.host;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Digests of large files, taken by a host tool in a process of its own, started at once and
 * awaited later, so that the digest runs beside other work: {@code openssl dgst} first (it uses
 * the CPU's SHA extensions: a 114 MB image in 0.08 s here), then coreutils' {@code sha256sum} or
 * {@code sha512sum} (0.32 s; they do not), then a Java digest in this process (0.9 s: bin/jcap's
 * JVM runs the client compiler only, which has no SHA intrinsic). A tool that is missing, fails or
 * answers something else passes the files on to the next.
 *
 * <pre>{@code
 * FileDigests.Running boot = FileDigests.start(FileDigests.Algorithm.SHA256, folder, List.of("vmlinuz", "initrd.img"));
 * // ... other work ...
 * Map<String, String> hex = boot.await(Duration.ofSeconds(60));   // name -> lower-case hex
 * Sha256 image = FileDigests.sha256(imageFile);                    // one file, now
 * }</pre>
 */
public final class FileDigests {
    /** Minutes for files of many GB; anything slower is stuck. */
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private FileDigests() {
    }

    /** The digests this reads, with the names the tools and the JDK give them. */
    public enum Algorithm {
        SHA256("sha256", "sha256sum", "SHA-256", 64),
        SHA512("sha512", "sha512sum", "SHA-512", 128);

        private final String openssl;
        private final String coreutils;
        private final String jdk;
        private final int hexDigits;

        Algorithm(String openssl, String coreutils, String jdk, int hexDigits) {
            this.openssl = openssl;
            this.coreutils = coreutils;
            this.jdk = jdk;
            this.hexDigits = hexDigits;
        }

        /** The commands that print this digest of files, best first; each takes the file names last. */
        List<List<String>> tools() {
            return List.of(List.of("openssl", "dgst", "-" + openssl, "-r"), List.of(coreutils, "--"));
        }
    }

    /** The file's SHA-256, now; an unreadable file is an {@link IOException}, as {@link Sha256#of(Path)} says it. */
    public static Sha256 sha256(Path file) throws IOException, JcapException {
        Path absolute = file.toAbsolutePath();
        Running running = start(Algorithm.SHA256, absolute.getParent(), List.of(absolute.getFileName().toString()));
        try {
            return new Sha256(running.await(TIMEOUT).get(absolute.getFileName().toString()));
        } catch (JcapException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** Starts digesting the files {@code names} (relative to {@code folder}, or absolute). */
    public static Running start(Algorithm algorithm, Path folder, List<String> names) {
        return new Running(algorithm, folder, List.copyOf(names), 0);
    }

    /** Digests being taken; {@link #await} gives them, {@link #stop} gives up. */
    public static final class Running {
        private final Algorithm algorithm;
        private final Path folder;
        private final List<String> names;
        private final int tool;
        private final HostTool.Running process;

        private Running(Algorithm algorithm, Path folder, List<String> names, int firstTool) {
            this.algorithm = algorithm;
            this.folder = folder;
            this.names = names;
            int next = firstTool;
            HostTool.Running started = null;
            List<List<String>> tools = algorithm.tools();
            for (; next < tools.size() && started == null; next++) {
                List<String> command = new ArrayList<>(tools.get(next));
                command.addAll(names);
                try {
                    started = HostTool.start(command, folder);
                } catch (EnvironmentException e) {
                    // Not installed here: the next one.
                }
            }
            this.tool = next;
            this.process = started;
        }

        /**
         * The digests, file name to lower-case hex, in the order given.
         *
         * @throws JcapException when a file cannot be read (its cause the {@link IOException})
         */
        public Map<String, String> await(Duration timeout) throws JcapException {
            if (process != null) {
                HostTool.Result result = process.await(timeout);
                if (result.exitCode() == 0) {
                    Map<String, String> parsed = parse(result.stdout());
                    if (parsed != null) {
                        return parsed;
                    }
                }
                // A tool that failed (an unreadable file, an unknown option) or answered otherwise.
                return new Running(algorithm, folder, names, tool).await(timeout);
            }
            return javaDigests();
        }

        /** Stops the tool, when the digests are no longer wanted. */
        public void stop() {
            if (process != null) {
                process.stop();
            }
        }

        /**
         * One line per file in the order of the arguments, each starting with the digest in hex
         * ({@code openssl -r} and coreutils alike); null for anything else (a name with a line
         * break in it makes more lines: the Java digest takes those).
         */
        Map<String, String> parse(String out) {
            String[] lines = out.split("\n");
            if (lines.length != names.size()) {
                return null;
            }
            Map<String, String> digests = new LinkedHashMap<>();
            int digits = algorithm.hexDigits;
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.length() <= digits || line.charAt(digits) != ' '
                        || !line.substring(0, digits).matches("[0-9a-f]+")) {
                    return null;
                }
                digests.put(names.get(i), line.substring(0, digits));
            }
            return digests;
        }

        private Map<String, String> javaDigests() throws JcapException {
            Map<String, String> digests = new LinkedHashMap<>();
            for (String name : names) {
                Path file = folder.resolve(name);
                try (InputStream in = Files.newInputStream(file)) {
                    MessageDigest digest = MessageDigest.getInstance(algorithm.jdk);
                    byte[] buffer = new byte[1 << 20];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                    digests.put(name, HexFormat.of().formatHex(digest.digest()));
                } catch (IOException e) {
                    throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("the JDK always has " + algorithm.jdk, e);
                }
            }
            return digests;
        }
    }
}
