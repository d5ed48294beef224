package io.jcap.builder.family.osv;

import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A package archive of Capstan's repository ({@code packages/NAME.mpm}): a tar, gzip-compressed
 * or not, as {@code capstan package build} writes it, its names rooted at the package folder
 * ({@code /meta/run.yaml}, {@code /lib/app.so}). Read into image entries the way Capstan's compose
 * extracts it: folders, files and symbolic links (never followed: nothing is made on the host but
 * the files' bytes), permission bits kept, owners and times not; {@code /meta} is the package's
 * description, not image content, and its {@code run.yaml} is kept aside. A name leaving the
 * package ({@code ..}), a hard link, a device or any other kind is refused with the entry named.
 *
 * <pre>{@code
 * MpmArchive mpm = MpmArchive.read(repo.resolve("packages/osv.httpserver-api.mpm"), scratch);
 * mpm.entries();      // what goes into the image, in the archive's order
 * mpm.runManifest();  // the bytes of /meta/run.yaml, written in scratch
 * }</pre>
 *
 * @param entries the image entries, in the archive's order (a later one of the same path wins)
 * @param runManifest where the package's {@code meta/run.yaml} was written, if it has one
 */
record MpmArchive(List<ImageEntry> entries, Optional<Path> runManifest) {
    private static final String META = "meta";

    MpmArchive {
        entries = List.copyOf(entries);
    }

    /**
     * @param contentDir an empty folder that keeps the files' bytes until the caller deletes it
     */
    static MpmArchive read(Path mpm, Path contentDir) throws JcapException {
        List<ImageEntry> entries = new ArrayList<>();
        Path run = null;
        int files = 0;
        try (InputStream in = open(mpm);
             TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                String path = relative(name, mpm);
                if (path.isEmpty()) {
                    continue;
                }
                if (path.equals(META) || path.startsWith(META + "/")) {
                    if (path.equals(META + "/run.yaml") && entry.isFile()) {
                        run = contentDir.resolve("run.yaml");
                        Files.copy(tar, run, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    continue;
                }
                GuestPath guest = GuestPath.of("/" + path);
                int mode = entry.getMode() & 07777;
                if (entry.isDirectory()) {
                    entries.add(new ImageEntry.Directory(guest, mode));
                } else if (entry.isSymbolicLink()) {
                    entries.add(new ImageEntry.Symlink(guest, entry.getLinkName()));
                } else if (entry.isFile() && !entry.isLink() && !entry.isFIFO() && !entry.isCharacterDevice()
                        && !entry.isBlockDevice()) {
                    Path file = contentDir.resolve("f" + files++);
                    Files.copy(tar, file);
                    entries.add(new ImageEntry.RegularFile(guest, mode, FileContent.of(file)));
                } else {
                    throw new JcapException(mpm + ": entry '" + name + "' is a " + (entry.isLink() ? "hard link"
                            : "device, FIFO or other special file") + ": a Capstan package holds folders, files and"
                            + " symbolic links only; refused");
                }
            }
        } catch (IOException e) {
            throw new JcapException("cannot read Capstan package " + mpm + ": " + FailureReason.withFile(e), e);
        } catch (IllegalArgumentException e) {
            throw new JcapException(mpm + ": " + e.getMessage(), e);
        }
        return new MpmArchive(entries, Optional.ofNullable(run));
    }

    /** The archive, through gzip when it starts with gzip's magic bytes (Capstan reads both). */
    private static InputStream open(Path mpm) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(mpm), 1 << 16);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    /**
     * The entry's path from the package folder: {@code /lib/a.so}, {@code lib/a.so} and
     * {@code ./lib/a.so} are the same file, "" is the folder itself.
     */
    private static String relative(String name, Path mpm) throws JcapException {
        String p = name.startsWith("./") ? name.substring(2) : name;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.equals(".")) {
            return "";
        }
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                throw new JcapException(mpm + ": entry '" + name + "' has a component '" + part + "': a package's"
                        + " names stay inside the package, without empty, . or .. parts; refused");
            }
        }
        return p;
    }
}
