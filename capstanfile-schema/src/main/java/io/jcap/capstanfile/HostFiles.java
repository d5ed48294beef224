package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.Finding;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlPath;
import io.jcap.model.GuestPath;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Maps {@code files} and {@code rootfs} to host paths and checks them: guest paths stay inside the
 * image, relative host paths stay inside the project folder, and what they name exists.
 */
final class HostFiles {
    /** The folder Capstan merges into the image root when {@code rootfs} is not given. */
    static final String DEFAULT_ROOTFS = "ROOTFS";
    /** What a problem about a host file or folder that is not there says (the build command may make it). */
    static final String MISSING = " does not exist (resolved to ";

    private final Path projectDir;
    private final LocatedYaml yaml;
    private final List<Finding> findings;
    private final boolean checkExistence;

    HostFiles(Path projectDir, LocatedYaml yaml, List<Finding> findings, boolean checkExistence) {
        this.checkExistence = checkExistence;
        this.projectDir = projectDir;
        this.yaml = yaml;
        this.findings = findings;
    }

    SortedMap<GuestPath, Path> files(JsonNode node) {
        SortedMap<GuestPath, Path> files = new TreeMap<>();
        Map<GuestPath, YamlPath> seen = new HashMap<>();
        // The folders above the entries seen, each with the first entry it holds.
        Map<GuestPath, GuestPath> folders = new HashMap<>();
        YamlPath filesPath = YamlPath.ROOT.key("files");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            YamlPath at = filesPath.key(entry.getKey());
            if (!entry.getKey().startsWith("/")) {
                continue; // the schema reports relative guest paths
            }
            GuestPath guest;
            try {
                guest = GuestPath.of(entry.getKey());
            } catch (IllegalArgumentException e) {
                findings.add(new Finding(filesPath, yaml.keyPosition(at), e.getMessage()));
                continue;
            }
            if (guest.isRoot()) {
                findings.add(new Finding(filesPath, yaml.keyPosition(at), "guest path '" + entry.getKey()
                        + "' is the image root, which is a folder: name a file inside it (e.g. /app/"
                        + (entry.getValue().isTextual() ? entry.getValue().textValue().replaceAll(".*/", "") : "file")
                        + "), or merge a folder with rootfs"));
                continue;
            }
            YamlPath earlier = seen.putIfAbsent(guest, at);
            if (earlier != null) {
                findings.add(new Finding(filesPath, yaml.keyPosition(at), "guest path '" + entry.getKey()
                        + "' is the same as '" + earlier.segments().get(1) + "' (line "
                        + yaml.keyPosition(earlier).line() + ")"));
                continue;
            }
            // Every files entry is a file: one cannot hold another (the build's tree refused it
            // later, without a line).
            List<GuestPath> ancestors = guest.ancestors();
            GuestPath inside = ancestors.stream().filter(seen::containsKey).findFirst().orElse(null);
            GuestPath holds = inside == null ? folders.get(guest) : null;
            if (inside != null || holds != null) {
                GuestPath other = inside != null ? inside : holds;
                findings.add(new Finding(filesPath, yaml.keyPosition(at), "guest path '" + entry.getKey() + "' "
                        + (inside != null ? "is inside '" : "holds '") + other.value() + "' (line "
                        + yaml.keyPosition(seen.get(other)).line() + "), and each files entry is a file: put them side"
                        + " by side, or merge a folder with rootfs"));
                seen.remove(guest);
                continue;
            }
            ancestors.forEach(a -> folders.putIfAbsent(a, guest));
            if (entry.getValue().isTextual()) {
                // Capstan's placeholder: '&' stands for the file name of the guest path.
                String host = entry.getValue().textValue().replace("&", guest.fileName());
                resolve(host, at).filter(path -> exists(path, host, at) && usableFile(path, host, at))
                        .ifPresent(path -> files.put(guest, path));
            }
        }
        return files;
    }

    Optional<Path> rootfs(JsonNode node) {
        YamlPath at = YamlPath.ROOT.key("rootfs");
        if (node.isMissingNode()) {
            // Capstan's default folder follows the rule of a folder named: a link may not lead out.
            Path standard = projectDir.resolve(DEFAULT_ROOTFS);
            if (Files.isDirectory(standard)) {
                return staysInside(standard, DEFAULT_ROOTFS, at) ? Optional.of(standard) : Optional.empty();
            }
            if (checkExistence && Files.exists(standard, LinkOption.NOFOLLOW_LINKS)) {
                // Meant as the image's root, surely: said, not left out without a word.
                report(at, "'" + DEFAULT_ROOTFS + "' in the project folder is " + notAFolder(standard) + ": the folder"
                        + " of that name is merged into the image's root (as Capstan does); make it a folder, or rename it");
            }
            return Optional.empty();
        }
        if (!node.isTextual()) {
            return Optional.empty();
        }
        String text = node.textValue();
        return resolve(text, at).filter(path -> {
            if (!checkExistence && !Files.exists(path)) {
                return true;
            }
            if (!Files.exists(path)) {
                report(at, "folder " + SchemaMessages.quote(text) + MISSING + path + ")");
                return false;
            }
            if (!Files.isDirectory(path)) {
                report(at, SchemaMessages.quote(text) + " is a file, not a folder (resolved to " + path + ")");
                return false;
            }
            Optional<Path> kernel = io.jcap.host.KernelViews.of(path);
            if (kernel.isPresent()) {
                report(at, "host path " + SchemaMessages.quote(text) + " is a folder of the kernel's " + kernel.get()
                        + ", whose files' sizes are not their contents: copy them to a folder first");
                return false;
            }
            return staysInside(path, text, at);
        });
    }

    /** What {@code path}, which is there and not a folder, is instead. */
    private static String notAFolder(Path path) {
        if (Files.isSymbolicLink(path)) {
            try {
                return "a symbolic link to " + Files.readSymbolicLink(path) + ", which "
                        + (Files.exists(path) ? "is not a folder" : "does not exist");
            } catch (java.io.IOException e) {
                return "a symbolic link that cannot be read (" + e.getMessage() + ")";
            }
        }
        return "a file, not a folder";
    }

    private Optional<Path> resolve(String text, YamlPath at) {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            report(at, SchemaMessages.quote(text) + " is not a valid host path: " + e.getReason());
            return Optional.empty();
        }
        if (path.isAbsolute()) {
            return Optional.of(path.normalize());
        }
        Path resolved = projectDir.resolve(path).normalize();
        if (!resolved.startsWith(projectDir)) {
            report(at, "host path " + SchemaMessages.quote(text) + " leaves the project folder " + projectDir
                    + ": use a path inside it, or an absolute path");
            return Optional.empty();
        }
        return Optional.of(resolved);
    }

    private boolean exists(Path path, String text, YamlPath at) {
        if (!checkExistence || Files.exists(path)) {
            return true;
        }
        report(at, "host file " + SchemaMessages.quote(text) + MISSING + path + danglingLink(path) + ")");
        return false;
    }

    /** ", a symbolic link to T that leads nowhere" when {@code path} is one (a loop or a missing target). */
    private static String danglingLink(Path path) {
        if (!Files.isSymbolicLink(path)) {
            return "";
        }
        try {
            String target = io.jcap.model.Printable.controls(Files.readSymbolicLink(path).toString());
            return ", a symbolic link to " + SchemaMessages.quote(target) + " that leads nowhere";
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return ", a symbolic link that leads nowhere";
        }
    }

    /**
     * A file jcap can copy: a regular file (links followed), reached from a relative path without
     * leaving the project folder. A device, a FIFO or a socket has no size to stream (reading
     * {@code /dev/zero} never ends), and {@code /proc} and {@code /sys} files say they are empty.
     */
    private boolean usableFile(Path path, String text, YamlPath at) {
        if (!Files.exists(path)) {
            return true;   // made by the build command: checked when the Capstanfile is read after it
        }
        if (Files.isDirectory(path)) {
            report(at, "host path " + SchemaMessages.quote(text) + " is a folder (resolved to " + path + "): list its"
                    + " files, or merge a folder with rootfs");
            return false;
        }
        if (!Files.isRegularFile(path)) {
            report(at, "host path " + SchemaMessages.quote(text) + " is not a regular file (resolved to " + path
                    + "): jcap copies files, not devices, FIFOs or sockets");
            return false;
        }
        Optional<Path> kernel = io.jcap.host.KernelViews.of(path);
        if (kernel.isPresent()) {
            report(at, "host path " + SchemaMessages.quote(text) + " is a file of the kernel's " + kernel.get()
                    + ", whose size is not its content: copy it to a file first");
            return false;
        }
        return staysInside(path, text, at);
    }

    /**
     * A relative host path may not leave the project folder through a symbolic link either: its
     * real path must be inside the project folder's.
     */
    private boolean staysInside(Path path, String text, YamlPath at) {
        if (Path.of(text).isAbsolute()) {
            return true;
        }
        Path real;
        Path project;
        try {
            real = path.toRealPath();
            project = projectDir.toRealPath();
        } catch (java.io.IOException e) {
            report(at, "host path " + SchemaMessages.quote(text) + " cannot be resolved (" + path + "): "
                    + e.getMessage());
            return false;
        }
        if (!real.startsWith(project)) {
            report(at, "host path " + SchemaMessages.quote(text) + " leads out of the project folder " + projectDir
                    + " through a symbolic link (to " + real + "): name the file by its absolute path if it is"
                    + " meant");
            return false;
        }
        return true;
    }

    private void report(YamlPath at, String message) {
        findings.add(new Finding(at, yaml.valuePosition(at), message));
    }
}
