package io.jcap.kernels;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jcap.formats.json.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code kernel.json} of a stored kernel: what it is, where it came from, and the SHA-256 of
 * each of its files (paths relative to the kernel's folder). {@code kind} is left out for a Linux
 * bzImage, so Linux kernels keep the file they had before kinds existed.
 */
@JsonPropertyOrder({"name", "family", "kind", "version", "flavour", "origin", "files", "moduleLoadOrder"})
record KernelManifest(String name, String family, @JsonInclude(JsonInclude.Include.NON_NULL) String kind,
                      String version, String flavour, String origin, List<FileEntry> files,
                      List<String> moduleLoadOrder) {
    static final String FILE_NAME = "kernel.json";
    static final String MODULES = "modules";
    private static final Pattern FILE_PATH = Pattern.compile("vmlinuz|loader\\.img|zfs-builder\\.elf|modules/[A-Za-z0-9_.-]+\\.ko");
    /** Made on first write only: reads go through {@link JsonTrees}. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** One file of a kernel, such as {@code modules/virtio.ko}. */
    @JsonPropertyOrder({"path", "sha256", "size"})
    record FileEntry(String path, String sha256, long size) {
        FileEntry {
            if (path == null || !FILE_PATH.matcher(path).matches()) {
                throw new IllegalArgumentException("unexpected file path " + path);
            }
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    KernelManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        KernelKind parsed = KernelKind.ofId(kind);
        if (!parsed.family().equals(family)) {
            throw new IllegalArgumentException("kind " + parsed + " does not belong to family " + family);
        }
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(origin, "origin");
        files = List.copyOf(files);
        moduleLoadOrder = List.copyOf(moduleLoadOrder);
        if (files.stream().noneMatch(f -> f.path().equals(parsed.fileName()))) {
            throw new IllegalArgumentException("no " + parsed.fileName() + " entry");
        }
        for (String module : moduleLoadOrder) {
            if (files.stream().noneMatch(f -> f.path().equals(MODULES + "/" + module))) {
                throw new IllegalArgumentException("module " + module + " of the load order is not among the files");
            }
        }
    }

    /** What the image file is. */
    KernelKind kernelKind() {
        return KernelKind.ofId(kind);
    }

    /**
     * Reads a {@code kernel.json}. Every build and run reads one, so it goes through
     * {@link JsonTrees} (no mapper: a mapper's first construction cost about 25 ms of jcap's start).
     */
    static KernelManifest read(Path file) throws IOException {
        try {
            JsonNode root = JsonTrees.read(file);
            if (!root.isObject()) {
                throw new IOException("it is not a JSON object");
            }
            List<FileEntry> files = new ArrayList<>();
            for (JsonNode f : array(root, "files")) {
                if (!f.isObject()) {
                    throw new IOException("an entry of files is not an object");
                }
                JsonNode size = f.get("size");
                files.add(new FileEntry(text(f, "path"), text(f, "sha256"),
                        size == null || size.isNull() ? 0 : size.longValue()));
            }
            List<String> loadOrder = new ArrayList<>();
            for (JsonNode module : array(root, "moduleLoadOrder")) {
                if (!module.isTextual()) {
                    throw new IOException("an entry of moduleLoadOrder is not a string");
                }
                loadOrder.add(module.textValue());
            }
            return new KernelManifest(text(root, "name"), text(root, "family"), text(root, "kind"),
                    text(root, "version"), text(root, "flavour"), text(root, "origin"), files, loadOrder);
        } catch (JsonProcessingException e) {
            // Jackson's own message spans lines and names its source; the user needs the place.
            throw new IOException(e.getOriginalMessage() + (e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        } catch (NullPointerException e) {
            // Objects.requireNonNull(value, "key") in the records' constructors.
            throw new IOException(e.getMessage() + " is missing", e);
        }
    }

    /** A text member, or null when absent or null. */
    private static String text(JsonNode object, String key) throws IOException {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IOException(key + " is not a string");
        }
        return value.textValue();
    }

    /** An array member; absent or null reads as empty. */
    private static Iterable<JsonNode> array(JsonNode object, String key) throws IOException {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IOException(key + " is not an array");
        }
        return value;
    }

    void write(Path file) throws IOException {
        Files.write(file, (Mapper.JSON.writeValueAsString(this) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
