package io.jcap.builder.runtime;

import io.jcap.capstanfile.Runtime;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code runtime: java}: a Java runtime jlinked to the modules the application needs
 * ({@link JavaRuntime}), the command that starts it when the Capstanfile gives none
 * ({@link JavaCommandLine}), then the shared libraries of the JVM and the application as
 * {@code runtime: native} adds them.
 */
final class JavaImageRuntime implements ImageRuntime {
    private final Runtime.Java java;
    private final JlinkCache cache;
    private final NativeImageRuntime libraries;

    JavaImageRuntime(Runtime.Java java, JlinkCache cache, EventSink events) {
        this.java = java;
        this.cache = cache;
        this.libraries = new NativeImageRuntime(events);
    }

    @Override
    public boolean derivesCommand() {
        return true;
    }

    @Override
    public Application apply(Application application) throws JcapException {
        JavaRuntime.Prepared runtime = JavaRuntime.prepare(java, application.files(), application.cmdline().isEmpty(),
                cache);
        // The runtime's files first, so that the package file's files replace them.
        List<ImageEntry> files = new ArrayList<>(runtime.entries());
        files.addAll(application.files());
        String cmdline = application.cmdline().orElse(JavaCommandLine.display(runtime.argv()));
        return libraries.apply(new Application(files, Optional.of(cmdline), application.env()));
    }
}
