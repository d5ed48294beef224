package io.jcap.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.host.HostTool;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The tools nobody here wrote that check what a format writer wrote (isoinfo, sgdisk, sfdisk,
 * fsck.fat, mtools), run through jcap's one way of running host tools, in the C locale.
 */
public final class ReferenceTools {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReferenceTools() {
    }

    /** Runs {@code command} in {@code dir}, whatever its exit code. */
    public static HostTool.Result runAnyExit(Path dir, String... command) throws JcapException {
        return HostTool.run(List.of(command), dir, TIMEOUT);
    }

    /** Runs {@code command} in {@code dir}, fails the test unless it exits with 0, and returns its output. */
    public static String run(Path dir, String... command) throws JcapException {
        HostTool.Result r = runAnyExit(dir, command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.stdout() + r.stderr());
        return r.stdout();
    }
}
