package io.jcap.builder.instance;

import io.jcap.host.TempFiles;
import java.util.regex.Pattern;

/**
 * Names of detached instances: what {@code jcap run -d --name} accepts. Shorter than image names,
 * since the instance's QMP socket path under the jcap home must fit in 107 bytes.
 *
 * <pre>{@code
 * InstanceName.check("web-1");   // "web-1"
 * InstanceName.check("Web");     // IllegalArgumentException: instance name 'Web' is not allowed: ...
 * }</pre>
 */
public final class InstanceName {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");

    private InstanceName() {
    }

    /** Checks a name, returning it, or throws with what is allowed. */
    public static String check(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("instance name '" + name + "' is not allowed: use 1 to 40 lower-case"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (name.endsWith(TempFiles.DELETING_SUFFIX)) {
            throw new IllegalArgumentException("instance name '" + name + "' is not allowed: names ending in "
                    + TempFiles.DELETING_SUFFIX + " are those of instance folders being deleted");
        }
        return name;
    }

    /** Whether {@code name} is one {@link #check} takes; a folder being deleted ({@link TempFiles#DELETING_SUFFIX}) is none. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches() && !name.endsWith(TempFiles.DELETING_SUFFIX);
    }
}
