package io.jcap.builder.runtime;

import io.jcap.kernels.ElfLibraries;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code runtime: native}: the host's shared libraries that the image's programs load, found by
 * {@link NativeLibraries}, and {@value #LIBRARY_PATH} for those outside the loader's folders.
 */
final class NativeImageRuntime implements ImageRuntime {
    /** The loader's variable naming more library folders; the guest has no ld.so.cache. */
    static final String LIBRARY_PATH = "LD_LIBRARY_PATH";

    private final EventSink events;

    NativeImageRuntime(EventSink events) {
        this.events = events;
    }

    @Override
    public boolean derivesCommand() {
        return false;
    }

    @Override
    public Application apply(Application application) throws JcapException {
        NativeLibraries.Collected libraries = NativeLibraries.collect(application.files(), ElfLibraries.ofHost());
        List<ImageEntry> files = new ArrayList<>(application.files());
        files.addAll(libraries.libraries());
        report(libraries);
        SortedMap<String, String> env = new TreeMap<>(application.env());
        if (!libraries.otherFolders().isEmpty()) {
            String folders = String.join(":", libraries.otherFolders().stream().map(GuestPath::value).toList());
            env.merge(LIBRARY_PATH, folders, (given, ours) -> given + ":" + ours);
        }
        return new Application(files, application.cmdline(), env);
    }

    private void report(NativeLibraries.Collected libraries) {
        long bytes = 0;
        for (ImageEntry e : libraries.libraries()) {
            if (e instanceof ImageEntry.RegularFile f) {
                bytes += f.content().size();
                events.debug("Shared library " + f.path() + " (" + ((FileContent.HostFile) f.content()).path() + ")");
            }
        }
        events.info("Added " + libraries.libraries().size() + " shared libraries of the image's programs ("
                + io.jcap.model.ByteSize.human(bytes) + ")");
        if (!libraries.otherFolders().isEmpty()) {
            events.info("Libraries outside the loader's default folders are found through " + LIBRARY_PATH + ": "
                    + libraries.otherFolders());
        }
    }
}
