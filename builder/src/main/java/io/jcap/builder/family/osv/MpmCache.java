package io.jcap.builder.family.osv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.host.FileDigests;
import io.jcap.host.FileTrees;
import io.jcap.host.TempFiles;
import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Package archives of Capstan's repository, read once: the files of {@code NAME.mpm} are kept in
 * jcap's cache ({@code cache/capstan-packages/NAME@SHA256/}) with the list of its entries, so that
 * a build of an unchanged package reads the list rather than decompressing the archive again, and
 * the files keep their paths (the build's digest cache knows them). An archive is known by its
 * SHA-256: a package pulled again into the repository is read anew, and the cache keeps one
 * version of each package name, the last one read.
 *
 * <pre>{@code
 * MpmArchive lib = new MpmCache(home.cache().resolve("capstan-packages")).read("com.example.lib", mpm);
 * }</pre>
 */
final class MpmCache {
    private static final String LIST = "entries.json";
    private static final String FILES = "files";
    private static final int VERSION = 1;

    private final Path root;

    MpmCache(Path root) {
        this.root = root;
    }

    /** The archive's entries, from the cache, or read into it first. */
    MpmArchive read(String name, Path mpm) throws JcapException {
        Sha256 sha;
        try {
            sha = FileDigests.sha256(mpm);
        } catch (IOException e) {
            throw new JcapException("cannot read Capstan package " + mpm + ": " + FailureReason.withFile(e), e);
        }
        Path dir = root.resolve(name + "@" + sha.hex());
        Optional<MpmArchive> kept = load(dir);
        if (kept.isPresent()) {
            return kept.get();
        }
        Path staging = null;
        try {
            Files.createDirectories(root);
            FileTrees.deleteQuietly(dir);
            staging = TempFiles.register(Files.createTempDirectory(root, "." + name + "-"));
            MpmArchive read = MpmArchive.read(mpm, Files.createDirectory(staging.resolve(FILES)));
            write(read, staging);
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException
                     | AtomicMoveNotSupportedException raced) {
                // Another build read the same archive at the same time: its copy is as good.
            }
            pruneOtherVersions(name, dir);
            return load(dir).orElseThrow(() -> new JcapException("the cache of Capstan package " + name + " in " + dir
                    + " could not be read back"));
        } catch (IOException e) {
            throw new JcapException("cannot keep Capstan package " + name + " in " + root + ": "
                    + FailureReason.withFile(e), e);
        } finally {
            TempFiles.delete(staging);
        }
    }

    /** The list's entries, their bytes in {@code dir}'s files; empty when the list is missing or does not read. */
    private static Optional<MpmArchive> load(Path dir) {
        Path list = dir.resolve(LIST);
        if (!Files.isRegularFile(list)) {
            return Optional.empty();
        }
        try {
            JsonNode top = new ObjectMapper().readTree(list.toFile());
            if (top.path("version").asInt() != VERSION) {
                return Optional.empty();
            }
            List<ImageEntry> entries = new ArrayList<>();
            for (JsonNode e : top.path("entries")) {
                GuestPath path = GuestPath.of(e.get("path").asText());
                int mode = e.path("mode").asInt();
                switch (e.get("type").asText()) {
                    case "dir" -> entries.add(new ImageEntry.Directory(path, mode));
                    case "link" -> entries.add(new ImageEntry.Symlink(path, e.get("target").asText()));
                    case "file" -> {
                        Path file = dir.resolve(FILES).resolve(e.get("file").asText());
                        if (Files.size(file) != e.get("size").asLong()) {
                            return Optional.empty();
                        }
                        entries.add(new ImageEntry.RegularFile(path, mode, FileContent.of(file)));
                    }
                    default -> {
                        return Optional.empty();
                    }
                }
            }
            JsonNode run = top.path("run");
            return Optional.of(new MpmArchive(entries, run.isTextual()
                    ? Optional.of(dir.resolve(FILES).resolve(run.asText())) : Optional.empty()));
        } catch (IOException | RuntimeException e) {
            // A list cut short by a crash, or a file gone: the archive is read again.
            return Optional.empty();
        }
    }

    private static void write(MpmArchive archive, Path dir) throws IOException {
        Path files = dir.resolve(FILES);
        ObjectNode top = JsonNodeFactory.instance.objectNode().put("version", VERSION);
        archive.runManifest().ifPresent(run -> top.put("run", files.relativize(run).toString()));
        ArrayNode entries = top.putArray("entries");
        for (ImageEntry e : archive.entries()) {
            ObjectNode node = entries.addObject().put("path", e.path().value());
            if (e instanceof ImageEntry.Directory d) {
                node.put("type", "dir").put("mode", d.mode());
            } else if (e instanceof ImageEntry.Symlink l) {
                node.put("type", "link").put("target", l.target());
            } else {
                ImageEntry.RegularFile f = (ImageEntry.RegularFile) e;
                FileContent.HostFile host = (FileContent.HostFile) f.content();
                node.put("type", "file").put("mode", f.mode()).put("file", files.relativize(host.path()).toString())
                        .put("size", host.size());
            }
        }
        Files.write(dir.resolve(LIST), new ObjectMapper().writeValueAsBytes(top));
    }

    /** The cache keeps the version of a package it read last; the others go. */
    private void pruneOtherVersions(String name, Path keep) {
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(root, name + "@*")) {
            for (Path version : versions) {
                if (!version.equals(keep)) {
                    FileTrees.deleteQuietly(version);
                }
            }
        } catch (IOException e) {
            // an old version left behind takes room, nothing else
        }
    }
}
