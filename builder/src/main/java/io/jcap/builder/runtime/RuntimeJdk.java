package io.jcap.builder.runtime;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.util.Optional;

/**
 * The JDK whose jdeps and jlink make the Java runtimes of images: the one jcap runs on, which
 * {@code bin/jcap} takes from {@code JAVA_HOME} when it is set, else from {@code PATH}.
 */
public final class RuntimeJdk {
    private RuntimeJdk() {
    }

    /**
     * One line for {@code jcap doctor}: the JDK's release and folder, where jlink links from and how
     * to choose another.
     *
     * @throws EnvironmentException when the JDK cannot link a runtime (no jdeps or jlink, no jmods)
     */
    public static String describe() throws JcapException {
        JdkTools.provider("jdeps");
        JdkTools.provider("jlink");
        Optional<?> jmods = JdkTools.jmods();
        return "Java images' runtimes are linked from " + JdkTools.release() + " (Java "
                + java.lang.Runtime.version().feature() + ") at " + JdkTools.javaHome() + ", from its "
                + (jmods.isPresent() ? "jmods" : "run-time image") + "; JAVA_HOME chooses another JDK";
    }
}
