package io.jcap.builder;

import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The JDK modules an application needs, as {@code jdeps --print-module-deps} finds them in its
 * jars and class files, plus the modules its JVM options add ({@code --add-modules}), which jdeps
 * cannot see (services and reflection).
 */
final class JavaModules {
    static final String BASE = "java.base";

    private JavaModules() {
    }

    /**
     * @param inputs the application's jars and class files on the host
     * @param jvmArgs the JVM options, searched for {@code --add-modules}
     */
    static SortedSet<String> required(List<Path> inputs, List<String> jvmArgs) throws JcapException {
        SortedSet<String> modules = new TreeSet<>();
        modules.add(BASE);
        modules.addAll(added(jvmArgs));
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps",
                "--multi-release", Integer.toString(java.lang.Runtime.version().feature())));
        inputs.forEach(p -> args.add(p.toString()));
        JdkTools.Outcome outcome = JdkTools.run("jdeps", args);
        if (outcome.status() != 0) {
            throw new JcapException("jdeps could not find the Java modules the application needs: "
                    + outcome.failure() + " (check the jar and class files named by runtime.java)");
        }
        for (String line : outcome.out().strip().lines().toList()) {
            for (String module : line.split(",")) {
                if (!module.isBlank()) {
                    modules.add(module.strip());
                }
            }
        }
        return modules;
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
