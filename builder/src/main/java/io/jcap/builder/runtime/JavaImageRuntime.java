package io.jcap.builder.runtime;

import io.jcap.capstanfile.Runtime;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.builder.compose.HostTree;
import io.jcap.model.GuestPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code runtime: java}: a Java runtime jlinked to the modules the application needs
 * ({@link JavaRuntime}), the command that starts it when the Capstanfile gives none
 * ({@link JavaCommandLine}), then the shared libraries of the JVM and the application as
 * {@code runtime: native} adds them.
 *
 * <p>The JVM takes its encodings from the locale: under the guest's default (POSIX) locale
 * {@code file.encoding}, {@code sun.jnu.encoding} (file names, arguments) and the console's
 * {@code sun.stdout.encoding} are all ASCII, so "Grüße" printed as "Gr??e" while a native
 * program in the same image printed it whole. Java images therefore get the host's
 * {@code C.UTF-8} locale ({@value #LOCALE}, 400 KB, from Debian's libc-bin) and
 * {@code LANG=C.UTF-8}, unless the Capstanfile sets {@code LANG}, {@code LC_ALL} or
 * {@code LC_CTYPE} itself.
 */
final class JavaImageRuntime implements ImageRuntime {
    /** The host's compiled C.UTF-8 locale, copied to the same path in the image. */
    static final String LOCALE = "/usr/lib/locale/C.utf8";
    static final String UTF8_LANG = "C.UTF-8";

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
        SortedMap<String, String> env = new TreeMap<>(application.env());
        Path locale = Path.of(LOCALE);
        if (Files.isDirectory(locale) && Stream.of("LANG", "LC_ALL", "LC_CTYPE").noneMatch(env::containsKey)) {
            files.addAll(0, HostTree.folder(locale, GuestPath.of(LOCALE)));
            env.put("LANG", UTF8_LANG);
        }
        return libraries.apply(new Application(files, Optional.of(cmdline), env));
    }
}
