package io.jcap.builder.runtime;

import io.jcap.builder.api.JcapHome;
import io.jcap.capstanfile.Runtime;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a Capstanfile's {@code runtime} adds to an image beside the package file's files:
 * {@code native} the shared libraries of the image's programs ({@link NativeImageRuntime}),
 * {@code java} a jlinked Java runtime, the command that starts the application and then the
 * shared libraries of both ({@link JavaImageRuntime}).
 *
 * <pre>{@code
 * Optional<ImageRuntime> runtime = ImageRuntime.of(capstanfile.runtime(), home, events);
 * Application app = runtime.get().apply(new Application(files, capstanfile.cmdline(), env));
 * }</pre>
 */
public interface ImageRuntime {
    /** The runtime a Capstanfile names, if it names one. */
    static Optional<ImageRuntime> of(Optional<Runtime> runtime, JcapHome home, EventSink events) {
        return runtime.map(r -> r instanceof Runtime.Java java
                ? new JavaImageRuntime(java, new JlinkCache(home, events), events)
                : new NativeImageRuntime(events));
    }

    /** Whether the runtime works out the command line when the Capstanfile gives none. */
    boolean derivesCommand();

    /** The application with what the runtime adds; the application's own files replace the runtime's. */
    Application apply(Application application) throws JcapException;

    /**
     * An image's application as a runtime sees it.
     *
     * @param cmdline the command line, when known
     */
    record Application(List<ImageEntry> files, Optional<String> cmdline, SortedMap<String, String> env) {
        public Application {
            files = List.copyOf(files);
            env = new TreeMap<>(env);
        }
    }
}
