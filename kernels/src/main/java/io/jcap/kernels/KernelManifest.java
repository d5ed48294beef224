package io.jcap.kernels;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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

    static KernelManifest read(Path file) throws IOException {
        try {
            return JSON.readValue(file.toFile(), KernelManifest.class);
        } catch (JsonProcessingException e) {
            // Jackson's own message spans lines and names its source; the user needs the place.
            throw new IOException(e.getOriginalMessage() + (e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    void write(Path file) throws IOException {
        Files.write(file, (JSON.writeValueAsString(this) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
