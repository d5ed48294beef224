package io.jcap.host;

import java.nio.file.Path;
import java.util.Map;

/**
 * The machine's temporary folder as jcap documents it: {@code $TMPDIR} when set to an absolute
 * path, else the JVM's {@code java.io.tmpdir} (which the JVM does not take from {@code $TMPDIR}
 * on Linux: it is {@code /tmp} there whatever the environment says).
 *
 * <pre>{@code
 * Path work = TempFiles.create(SystemTemp.folder(), "jcap-qemu-");
 * }</pre>
 */
public final class SystemTemp {
    private SystemTemp() {
    }

    /** {@code $TMPDIR} when it names an absolute path, else {@code java.io.tmpdir}. */
    public static Path folder() {
        return folder(System.getenv(), System.getProperty("java.io.tmpdir"));
    }

    static Path folder(Map<String, String> environment, String javaTmpdir) {
        String tmpdir = environment.get("TMPDIR");
        if (tmpdir != null && !tmpdir.isEmpty() && Path.of(tmpdir).isAbsolute()) {
            return Path.of(tmpdir);
        }
        return Path.of(javaTmpdir);
    }
}
