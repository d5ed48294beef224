package io.jcap.builder;

import io.jcap.builder.instance.Instance;
import io.jcap.model.EventSink;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Instances started with {@code jcap run -d --rm}: a marker file in the instance's folder, written
 * before its record. Such an instance is removed once it has ended, the next time jcap looks at it
 * ({@code ps}, {@code logs}, {@code stop}, a start of the same name), as {@code docker run --rm}
 * removes a container: no jcap process outlives a detached guest to do it sooner, and a removal
 * under the instances' lock cannot race a command reading the instance.
 */
final class RemoveWhenEnded {
    static final String MARKER = "remove-when-ended";

    private RemoveWhenEnded() {
    }

    static void mark(Path folder) throws JcapException {
        try {
            Files.writeString(folder.resolve(MARKER), "jcap run -d --rm: removed once it ended\n");
        } catch (IOException e) {
            throw new JcapException("cannot mark instance folder " + folder + " for --rm: " + FailureReason.withFile(e),
                    e);
        }
    }

    static boolean marked(Path folder) {
        return Files.isRegularFile(folder.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    /** How an instance is removed ({@code Instances.remove(name, false)}, under the instances' lock). */
    @FunctionalInterface
    interface Removal {
        void remove(String name) throws JcapException, InterruptedException;
    }

    /**
     * Removes {@code instance}, whose folder is {@code folder}, if it has ended and is marked:
     * true when it is gone (another jcap may have removed it first).
     */
    static boolean removedAsEnded(Instance instance, Path folder, Removal removal, EventSink events) {
        if (instance.status().running() || !marked(folder)) {
            return false;
        }
        try {
            removal.remove(instance.name());
            events.debug("Removed instance " + instance.name() + ": it ended (" + instance.status() + ") and was"
                    + " started with --rm");
            return true;
        } catch (JcapException e) {
            // Another jcap removed it meanwhile, or it could not be: then it is listed as it is.
            return !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
