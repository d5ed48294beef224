package io.jcap.builder.runtime;

import io.jcap.host.Durable;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The JDK modules an application needs, as {@code jdeps --print-module-deps} finds them in its
 * jars and class files, plus the modules its JVM options add ({@code --add-modules}), which jdeps
 * cannot see (services and reflection). jdeps' answer is kept in {@code <jcap home>/cache/jdeps},
 * under a digest of the files' contents and the JDK, since reading a large application takes a
 * while and a rebuild usually has the same files.
 */
final class JavaModules {
    static final String BASE = "java.base";
    /** Changes whenever the meaning of a cached answer changes (2: its files' class versions were checked). */
    private static final String DIGEST_VERSION = "jcap-jdeps-2";

    private JavaModules() {
    }

    /**
     * @param inputs the application's jars and class files on the host
     * @param jvmArgs the JVM options, searched for {@code --add-modules}
     * @param cache the folder of jdeps' cached answers
     */
    static SortedSet<String> required(List<Path> inputs, List<String> jvmArgs, Path cache) throws JcapException {
        SortedSet<String> modules = new TreeSet<>();
        modules.add(BASE);
        modules.addAll(added(jvmArgs));
        String release = Integer.toString(java.lang.Runtime.version().feature());
        Path answer = cache.resolve(digest(inputs, release).hex());
        String found;
        try {
            found = Files.isRegularFile(answer) ? Files.readString(answer, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            found = null; // an unreadable answer is asked again
        }
        if (found == null) {
            // Before jdeps, which reads newer class files without a word; a cached answer's files passed.
            ClassFileVersions.requireAtMost(inputs, java.lang.Runtime.version().feature());
            List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps",
                    "--multi-release", release));
            inputs.forEach(p -> args.add(p.toString()));
            JdkTools.Outcome outcome = JdkTools.run("jdeps", args);
            if (outcome.status() != 0) {
                throw new JcapException("jdeps could not find the Java modules the application needs: "
                        + outcome.failure() + " (check the jar and class files named by runtime.java)");
            }
            found = outcome.out();
            store(answer, found);
        }
        for (String line : found.strip().lines().toList()) {
            for (String module : line.split(",")) {
                if (!module.isBlank()) {
                    modules.add(module.strip());
                }
            }
        }
        return modules;
    }

    /** What decides jdeps' answer: the files' names and contents, the release analysed, the JDK. */
    private static Sha256 digest(List<Path> inputs, String release) throws JcapException {
        StringBuilder text = new StringBuilder(DIGEST_VERSION).append("\njdk ").append(JdkTools.javaHome()).append(' ')
                .append(JdkTools.release()).append("\nrelease ").append(release).append('\n');
        for (Path input : inputs) {
            try {
                text.append(Sha256.of(input).hex()).append(' ').append(input.getFileName()).append('\n');
            } catch (IOException e) {
                throw new JcapException("cannot read " + input + " of the Java application: " + FailureReason.ofFile(e), e);
            }
        }
        MessageDigest digest = Sha256.newDigest();
        digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return Sha256.of(digest);
    }

    /** Keeps an answer, written aside and moved into place; a cache that cannot be written is only slower. */
    private static void store(Path answer, String modules) {
        try {
            Files.createDirectories(answer.getParent());
            Durable.writeAtomically(answer, modules.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The next build asks jdeps again.
        }
    }

    /** The module names of {@code --add-modules X,Y} and {@code --add-modules=X,Y} among JVM options. */
    static List<String> added(List<String> jvmArgs) throws JcapException {
        List<String> modules = new ArrayList<>();
        for (int i = 0; i < jvmArgs.size(); i++) {
            String arg = jvmArgs.get(i);
            String value = null;
            if (arg.equals("--add-modules")) {
                if (i + 1 == jvmArgs.size()) {
                    throw new JcapException("runtime.java.jvm_args: --add-modules needs a value (--add-modules jdk.crypto.ec)");
                }
                value = jvmArgs.get(++i);
            } else if (arg.startsWith("--add-modules=")) {
                value = arg.substring("--add-modules=".length());
            }
            if (value == null) {
                continue;
            }
            for (String module : value.split(",")) {
                if (module.startsWith("ALL-")) {
                    throw new JcapException("runtime.java.jvm_args: --add-modules " + module + " cannot be linked into"
                            + " a minimal runtime: name the modules (--add-modules java.sql,jdk.crypto.ec)");
                }
                if (!module.isBlank()) {
                    modules.add(module.strip());
                }
            }
        }
        return modules;
    }
}
