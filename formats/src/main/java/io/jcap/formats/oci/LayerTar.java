package io.jcap.formats.oci;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an uncompressed OCI layer ({@code application/vnd.oci.image.layer.v1.tar}): the entries
 * sorted by path, each folder above them written explicitly before its contents (owned like the
 * first file below it, mode 0755), mtime 0, no user or group names. The same files give the same
 * bytes, so the same layer digest, on any host: what lets a registry recognise a layer it has.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(tar)) {
 *     LayerTar.write(List.of(new LayerEntry("disk/image.qcow2", qcow2, 107, 107, 0644)), out);
 * }
 * }</pre>
 */
public final class LayerTar {
    private static final int FOLDER_MODE = 0755;

    private LayerTar() {
    }

    /** Writes the layer of {@code entries} to {@code out} (left open). */
    public static void write(List<LayerEntry> entries, OutputStream out) throws IOException {
        List<LayerEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(LayerEntry::path));
        Set<String> folders = new LinkedHashSet<>();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new Unclosed(out), StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (LayerEntry entry : sorted) {
            String[] parts = entry.path().split("/");
            StringBuilder folder = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                folder.append(parts[i]).append('/');
                if (folders.add(folder.toString())) {
                    tar.putArchiveEntry(header(folder.toString(), TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | FOLDER_MODE,
                            entry, 0, true));
                    tar.closeArchiveEntry();
                }
            }
            long size = Files.size(entry.source());
            tar.putArchiveEntry(header(entry.path(), TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | entry.mode(), entry, size,
                    false));
            long copied = Files.copy(entry.source(), tar);
            if (copied != size) {
                throw new IOException(entry.source() + " changed while it was written into a layer (" + size + " bytes, then "
                        + copied + ")");
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.close();
    }

    private static TarArchiveEntry header(String name, int mode, LayerEntry owner, long size, boolean folder) {
        TarArchiveEntry e = new TarArchiveEntry(name, folder ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL, false);
        e.setMode(mode);
        e.setIds(owner.uid(), owner.gid());
        e.setNames("", "");
        e.setModTime(0);
        e.setSize(size);
        return e;
    }

    /** The caller's stream, which finishing the tar must not close. */
    private static final class Unclosed extends java.io.FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
