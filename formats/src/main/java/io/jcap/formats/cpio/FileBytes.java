package io.jcap.formats.cpio;

import io.jcap.formats.cpio.CpioWriter.SourceException;
import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.ImageEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads a regular file of the tree for {@link CpioWriter}: its hole map, its bytes, and what went
 * wrong with the host's file, named as the build shows it.
 */
final class FileBytes {
    private FileBytes() {
    }

    /** The file's hole map, or null when it has none (read once, from its start). */
    static HoleMap holes(ImageEntry.RegularFile file, ImageEntry entry) throws SourceException {
        if (file.content().size() < HoleMap.MIN_HOLE) {
            return null;
        }
        try {
            return HoleMap.scan(file.content()).orElse(null);
        } catch (java.io.EOFException e) {
            throw changedSize(file, entry, e.getMessage());
        } catch (IOException e) {
            throw unreadable(file, entry, e);
        }
    }

    /** Writes the file's bytes as they are ({@code map} null) or as its hole map says. */
    static void copy(ImageEntry.RegularFile file, ImageEntry entry, HoleMap map, OutputStream out,
            byte[] buffer, HoleMap.Sink sink) throws IOException {
        long size = file.content().size();
        try (InputStream source = source(file, entry)) {
            InputStream in = guarded(source, file, entry);
            if (map != null) {
                try {
                    map.write(in, out, buffer, sink);
                } catch (java.io.EOFException e) {
                    throw changedSize(file, entry, e.getMessage());
                }
                return;
            }
            long copied = 0;
            for (int n; copied < size && (n = in.read(buffer, 0, (int) Math.min(buffer.length, size - copied))) > 0; ) {
                out.write(buffer, 0, n);
                sink.data(buffer, n);
                copied += n;
            }
            if (copied != size) {
                throw changedSize(file, entry, "read " + copied);
            }
        }
    }

    /** {@code in} whose failures are the host file's ({@link SourceException}), not the output's. */
    private static InputStream guarded(InputStream in, ImageEntry.RegularFile file, ImageEntry entry) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw unreadable(file, entry, e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException e) {
                    throw unreadable(file, entry, e);
                }
            }
        };
    }

    private static SourceException changedSize(ImageEntry.RegularFile file, ImageEntry entry, String what) {
        return new SourceException("the file for " + entry.path() + describe(file) + " changed size while it was being"
                + " read (expected " + file.content().size() + " bytes, " + what + "): build again", null);
    }

    private static InputStream source(ImageEntry.RegularFile file, ImageEntry entry) throws SourceException {
        try {
            return file.content().open();
        } catch (IOException e) {
            throw unreadable(file, entry, e);
        }
    }

    private static SourceException unreadable(ImageEntry.RegularFile file, ImageEntry entry, IOException e) {
        return new SourceException("could not read the file for " + entry.path() + describe(file) + ": "
                + FailureReason.ofFile(e), e);
    }

    /** The host file's path in parentheses, when the bytes come from one. */
    private static String describe(ImageEntry.RegularFile file) {
        return file.content() instanceof FileContent.HostFile h ? " (" + h.path() + ")" : "";
    }
}
