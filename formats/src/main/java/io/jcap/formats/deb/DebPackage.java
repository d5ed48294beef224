package io.jcap.formats.deb;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A Debian binary package ({@code .deb}): an {@code ar} archive holding {@code debian-binary},
 * {@code control.tar.*} and {@code data.tar.*}. The package is streamed, never unpacked whole:
 * callers pick the data entries they want by path.
 *
 * <pre>{@code
 * DebPackage deb = DebPackage.open(Path.of("linux-image-6.1.0-56-cloud-amd64_6.1.192-2_amd64.deb"));
 * deb.control().version(); // "6.1.192-2"
 * deb.extract(path -> path.startsWith("boot/vmlinuz-"), folder, EventSink.NONE);
 * }</pre>
 */
public final class DebPackage {
    private static final byte[] AR_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final long PROGRESS_STEP = 1 << 20;

    /**
     * A file taken out of the package: its path inside the package (relative, without the leading
     * {@code ./}, such as {@code boot/vmlinuz-6.1.0-56-cloud-amd64}) and where it was written.
     */
    public record Extracted(String path, Path file, long size) {
    }

    private final Path file;
    private final DebControl control;

    private DebPackage(Path file, DebControl control) {
        this.file = file;
        this.control = control;
    }

    /** Opens a package and reads its control file. */
    public static DebPackage open(Path file) throws JcapException {
        if (!isDebianPackage(file)) {
            throw new JcapException(file + " is not a Debian package (no ar archive signature)");
        }
        String text = readMember(file, "control", (member, in, size) -> controlText(file, member, in));
        return new DebPackage(file, DebControl.parse(text));
    }

    /** True when {@code file} starts like an {@code ar} archive, as every {@code .deb} does. */
    public static boolean isDebianPackage(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(AR_MAGIC.length), AR_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    public Path file() {
        return file;
    }

    public DebControl control() {
        return control;
    }

    /**
     * Writes the regular files of {@code data.tar.*} whose paths {@code select} accepts under
     * {@code destination}, keeping their relative paths; symbolic and hard links are never
     * extracted. Any entry whose path is absolute or contains {@code ..} makes the whole package
     * refused, selected or not.
     *
     * @return the extracted files in archive order
     */
    public List<Extracted> extract(Predicate<String> select, Path destination, EventSink events) throws JcapException {
        return extract(select, destination, events, "");
    }

    /**
     * The same, its progress named by what is taken ({@code "modules"}: "Extracting modules from
     * linux-image-..."): a caller that reads the package twice shows two tasks, not one twice.
     */
    public List<Extracted> extract(Predicate<String> select, Path destination, EventSink events, String what)
            throws JcapException {
        try {
            Files.createDirectories(destination);
            Path root = destination.toRealPath();
            String name = control.packageName().isEmpty() ? file.getFileName().toString() : control.packageName();
            String task = "Extracting " + (what.isEmpty() ? name : what + " from " + name);
            return readMember(file, "data", (member, in, size) -> {
                Progress progress = new Progress(in, task, size, events);
                List<Extracted> result = extractTar(decompress(file, member, progress), select, root);
                events.progress(task, size, size);
                return result;
            });
        } catch (IOException e) {
            throw new JcapException("cannot extract " + file + " into " + destination + ": " + e.getMessage(), e);
        }
    }

    private List<Extracted> extractTar(InputStream data, Predicate<String> select, Path root)
            throws IOException, JcapException {
        List<Extracted> result = new ArrayList<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(data, StandardCharsets.UTF_8.name());
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            String path = entryPath(entry.getName());
            if (path.isEmpty() || !entry.isFile() || entry.isLink() || entry.isSymbolicLink() || !select.test(path)) {
                continue;
            }
            Path target = root.resolve(path).normalize();
            if (!target.startsWith(root)) {
                throw new JcapException("Debian package " + file + " entry '" + entry.getName()
                        + "' would be written outside " + root + "; refusing to extract it");
            }
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(root)) {
                throw new JcapException("Debian package " + file + " entry '" + entry.getName()
                        + "' would be written outside " + root + "; refusing to extract it");
            }
            long written;
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                written = tar.transferTo(out);
            }
            result.add(new Extracted(path, target, written));
        }
        return List.copyOf(result);
    }

    /** The entry's path without {@code ./} and trailing slashes; refuses paths that could escape. */
    private String entryPath(String name) throws JcapException {
        String path = name;
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        boolean escapes = path.startsWith("/") || path.indexOf('\0') >= 0
                || Arrays.asList(path.split("/")).contains("..");
        if (escapes) {
            throw new JcapException("Debian package " + file + " holds entry '" + name
                    + "', which escapes the extraction folder; refusing to extract it");
        }
        return path.equals(".") ? "" : path;
    }

    private static String controlText(Path file, String member, InputStream in) throws IOException, JcapException {
        TarArchiveInputStream tar = new TarArchiveInputStream(decompress(file, member, in), StandardCharsets.UTF_8.name());
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            if (entry.getName().equals("./control") || entry.getName().equals("control")) {
                return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        throw new JcapException("Debian package " + file + " has no control file in " + member);
    }

    private static InputStream decompress(Path file, String member, InputStream in) throws IOException, JcapException {
        if (member.endsWith(".tar.xz")) {
            return new XZCompressorInputStream(in);
        } else if (member.endsWith(".tar.gz")) {
            return new GzipCompressorInputStream(in);
        } else if (member.endsWith(".tar.bz2")) {
            return new BZip2CompressorInputStream(in);
        } else if (member.endsWith(".tar")) {
            return in;
        }
        throw new JcapException("Debian package " + file + " compresses " + member
                + " in a way jcap cannot read (it reads .tar, .tar.xz, .tar.gz and .tar.bz2)");
    }

    @FunctionalInterface
    private interface MemberReader<T> {
        T read(String member, InputStream in, long size) throws IOException, JcapException;
    }

    private static <T> T readMember(Path file, String prefix, MemberReader<T> reader) throws JcapException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             ArArchiveInputStream ar = new ArArchiveInputStream(raw)) {
            boolean first = true;
            for (ArArchiveEntry entry; (entry = ar.getNextEntry()) != null; first = false) {
                String name = entry.getName().endsWith("/")
                        ? entry.getName().substring(0, entry.getName().length() - 1) : entry.getName();
                if (first && !name.equals("debian-binary")) {
                    throw new JcapException(file + " is not a Debian package (its first member is '" + name
                            + "', not 'debian-binary')");
                }
                if (name.startsWith(prefix + ".tar")) {
                    return reader.read(name, ar, entry.getLength());
                }
            }
            throw new JcapException(file + " is not a complete Debian package (no " + prefix + ".tar member)");
        } catch (IOException e) {
            throw new JcapException("cannot read Debian package " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reports how much of the compressed member has been read. */
    private static final class Progress extends FilterInputStream {
        private final String task;
        private final long total;
        private final EventSink events;
        private long done;
        private long reported;

        Progress(InputStream in, String task, long total, EventSink events) {
            super(in);
            this.task = task;
            this.total = total;
            this.events = events;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            done += n;
            if (done - reported >= PROGRESS_STEP && done < total) {
                reported = done;
                events.progress(task, done, total);
            }
        }
    }
}
