package io.jcap.builder.family.osv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.api.ImageFile;
import io.jcap.formats.json.JsonTrees;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The files a ZFS OSv image was built with, kept beside it ({@value #FILE}) for {@code jcap images
 * ls}: jcap cannot read ZFS on the host, and an image is never changed once stored (runs write to
 * an overlay), so what went into the builder is what the image holds. A JSON array of
 * {@code {path, type, mode, size, target}} in path order.
 *
 * <pre>{@code
 * ZfsFileList.write(tree.entries(), staging.resolve(ZfsFileList.FILE));
 * List<ImageFile> files = ZfsFileList.read(image.file().resolveSibling(ZfsFileList.FILE)).orElseThrow();
 * }</pre>
 */
final class ZfsFileList {
    static final String FILE = "image.files.json";

    private ZfsFileList() {
    }

    /** The listing of {@code entries}, as {@code ls} shows an image's files (hard links as files). */
    static List<ImageFile> of(List<ImageEntry> entries) {
        List<ImageFile> files = new ArrayList<>();
        for (ImageEntry e : entries) {
            if (e instanceof ImageEntry.RegularFile f) {
                files.add(new ImageFile(f.path(), ImageFile.Type.FILE, f.mode(), f.content().size(), Optional.empty()));
            } else if (e instanceof ImageEntry.HardLink h) {
                files.add(new ImageFile(h.path(), ImageFile.Type.FILE, h.file().mode(), h.file().content().size(),
                        Optional.empty()));
            } else if (e instanceof ImageEntry.Symlink l) {
                files.add(new ImageFile(l.path(), ImageFile.Type.SYMLINK, l.mode(),
                        l.target().getBytes(StandardCharsets.UTF_8).length, Optional.of(l.target())));
            } else {
                files.add(new ImageFile(e.path(), ImageFile.Type.DIRECTORY, e.mode(), 0, Optional.empty()));
            }
        }
        files.sort(Comparator.comparing(f -> f.path().value()));
        return files;
    }

    static void write(List<ImageEntry> entries, Path file) throws IOException {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (ImageFile f : of(entries)) {
            ObjectNode node = array.addObject().put("path", f.path().value())
                    .put("type", f.type().name().toLowerCase(Locale.ROOT)).put("mode", f.mode()).put("size", f.size());
            f.target().ifPresent(t -> node.put("target", t));
        }
        Files.write(file, new ObjectMapper().writeValueAsBytes(array));
    }

    /** The list kept beside an image; empty when there is none (an image built before jcap kept one). */
    static Optional<List<ImageFile>> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<ImageFile> files = new ArrayList<>();
        for (JsonNode n : JsonTrees.read(file)) {
            files.add(new ImageFile(GuestPath.of(n.get("path").asText()),
                    ImageFile.Type.valueOf(n.get("type").asText().toUpperCase(Locale.ROOT)), n.get("mode").asInt(),
                    n.get("size").asLong(), Optional.ofNullable(n.get("target")).map(JsonNode::asText)));
        }
        return Optional.of(files);
    }
}
