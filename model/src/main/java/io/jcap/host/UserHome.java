package io.jcap.host;

import java.nio.file.Path;
import java.util.Map;

/**
 * The user's home folder as the tools whose files jcap reads find it: {@code $HOME} when it is
 * an absolute path (the docker CLI, openstacksdk, a shell's {@code ~}), else the JVM's
 * {@code user.home}, which Java takes from the user database and which ignores {@code $HOME}.
 */
public final class UserHome {
    private UserHome() {
    }

    /** The home folder {@code env} gives, else the JVM's. */
    public static Path of(Map<String, String> env) {
        String home = env.get("HOME");
        if (home != null && home.startsWith("/")) {
            return Path.of(home);
        }
        return Path.of(System.getProperty("user.home"));
    }
}
