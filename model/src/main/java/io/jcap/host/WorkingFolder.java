package io.jcap.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The current folder as the user's shell names it. The JVM's own ({@code user.dir}) is the kernel's
 * answer, with every symbolic link resolved: in {@code ~/work/app}, a link to {@code /srv/app-v2},
 * it says {@code /srv/app-v2}, while the shell's {@code $PWD} (and the prompt) says
 * {@code ~/work/app}. As Go's {@code os.Getwd} (and so Capstan) does, {@code $PWD} is taken when it
 * is absolute and is the same folder.
 *
 * <pre>{@code
 * Path project = WorkingFolder.absolute(Path.of("."));  // ~/work/app, not /srv/app-v2
 * }</pre>
 */
public final class WorkingFolder {
    private WorkingFolder() {
    }

    /** {@code path} made absolute against the shell's current folder, and normalised. */
    public static Path absolute(Path path) {
        return absolute(path, System.getenv());
    }

    static Path absolute(Path path, Map<String, String> environment) {
        if (path.isAbsolute()) {
            return path.normalize();
        }
        String pwd = environment.get("PWD");
        if (pwd != null && pwd.startsWith("/")) {
            try {
                Path shell = Path.of(pwd);
                if (Files.isSameFile(shell, Path.of("").toAbsolutePath())) {
                    return shell.resolve(path).normalize();
                }
            } catch (IOException | InvalidPathException e) {
                // a $PWD that names nothing, or another folder: the JVM's own is the answer
            }
        }
        return path.toAbsolutePath().normalize();
    }
}
