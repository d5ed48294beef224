package io.jcap.builder.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.capstanfile.CommandWords;
import io.jcap.model.EventSink;
import io.jcap.model.PortMapping;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.OciImages;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requires;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Requires(Component.CONTAINER_TOOLS)
class ContainerImagesTest {
    @TempDir
    Path dir;
    private Path layout;

    @BeforeEach
    void twoLayers() throws Exception {
        layout = twoLayerLayout(dir, "--config.entrypoint", "/bin/sh", "--config.cmd", "-c", "--config.env", "GREETING=hi",
                "--config.workingdir", "/srv", "--config.user", "app", "--config.exposedports", "6379/tcp",
                "--config.volume", "/data");
    }

    /** Layer 1 puts /etc/gone, /etc/kept and /var/cache/old; layer 2 deletes /etc/gone and empties /var/cache. */
    static Path twoLayerLayout(Path dir, String... config) throws Exception {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        OciImages.write(one.resolve("etc/gone"), "gone\n");
        OciImages.write(one.resolve("etc/kept"), "kept\n");
        OciImages.write(one.resolve("var/cache/old"), "old\n");
        OciImages.write(two.resolve("etc/.wh.gone"), "");
        OciImages.write(two.resolve("var/cache/.wh..wh..opq"), "");
        OciImages.write(two.resolve("var/cache/new"), "new\n");
        return OciImages.layout(dir.resolve("layout"), "1", List.of(one, two), config);
    }

    @Test
    void read_ociLayoutOciArchiveAndDockerArchive_giveTheSameTreeAndConfig() throws Exception {
        OciImages.copy(layout, "1", "oci-archive:" + dir.resolve("image-oci.tar"));
        OciImages.copy(layout, "1", "docker-archive:" + dir.resolve("image-docker.tar"));
        RecordedEvents events = new RecordedEvents();
        ContainerImage fromLayout = read("oci:layout:1", events);
        assertEquals(List.of("/", "/etc", "/etc/kept", "/var", "/var/cache", "/var/cache/new"), paths(fromLayout));
        ContainerConfig c = fromLayout.config();
        assertEquals(List.of("/bin/sh", "-c"), c.command());
        assertTrue(c.env().contains("GREETING=hi"), c.env().toString());
        assertEquals("/srv", c.workingDir().orElseThrow());
        assertEquals("app", c.user().orElseThrow());
        assertEquals(List.of("6379/tcp"), c.exposedPorts());
        assertEquals(List.of("/data"), c.volumes());
        assertEquals(List.of(), events.lines());
        for (String other : List.of("oci-archive:image-oci.tar", "docker-archive:image-docker.tar")) {
            ContainerImage image = read(other, new RecordedEvents());
            assertEquals(paths(fromLayout), paths(image), other);
            assertEquals(c.command(), image.config().command(), other);
        }
    }

    @Test
    void read_badInputs_refusedWithTheBlobNamed() throws Exception {
        String layerDigest = firstLayerDigest(layout);
        Path layerBlob = layout.resolve("blobs/sha256/" + layerDigest);
        byte[] original = Files.readAllBytes(layerBlob);

        try (RandomAccessFile f = new RandomAccessFile(layerBlob.toFile(), "rw")) {
            f.setLength(original.length / 2);
        }
        // The unpacking fails first; the blob's digest is what says why.
        String truncated = refusal("oci:layout:1");
        assertTrue(truncated.startsWith("oci:layout:1 layer 1 is sha256:") && truncated.endsWith(", "
                + original.length / 2 + " bytes, not sha256:" + layerDigest + ", " + original.length + " bytes as the"
                + " manifest says: a changed or truncated blob, refused"), truncated);

        byte[] flipped = original.clone();
        flipped[flipped.length - 10] ^= 0x55;   // the gzip trailer: decompression fails at the end
        Files.write(layerBlob, flipped);
        String changed = refusal("oci:layout:1");
        assertTrue(changed.startsWith("oci:layout:1 layer 1 is sha256:") && changed.endsWith(", " + original.length
                + " bytes, not sha256:" + layerDigest + ", " + original.length + " bytes as the manifest says: a changed"
                + " or truncated blob, refused"), changed);

        // A valid layer, but not the one the manifest names: the second layer's bytes in the first's place.
        byte[] other = Files.readAllBytes(layout.resolve("blobs/sha256/" + layerDigest(layout, 1)));
        Files.write(layerBlob, other);
        assertEquals("oci:layout:1 layer 1 is sha256:" + layerDigest(layout, 1) + ", " + other.length + " bytes, not sha256:"
                + layerDigest + ", " + original.length + " bytes as the manifest says: a changed or truncated blob, refused",
                refusal("oci:layout:1"));

        Files.delete(layerBlob);
        assertEquals("oci:layout:1 layer 1: the manifest names blobs/sha256/" + layerDigest + ", which OCI layout "
                + layout + " does not hold: refused", refusal("oci:layout:1"));

        assertEquals("OCI layout " + layout + " has no image tagged '2' (tags: 1)", refusal("oci:layout:2"));

        Files.writeString(dir.resolve("image.tar"), "a tar");
        assertEquals("OCI layout folder " + dir.resolve("image.tar") + " is a file: oci:DIR names a folder holding"
                + " oci-layout, index.json and blobs/; a layout in a tar is oci-archive:FILE, docker save's output"
                + " docker-archive:FILE", refusal("oci:image.tar"));
    }

    @Test
    void read_layoutWhoseBlobsFolderIsALink_isRefused() throws Exception {
        // blobs/sha256 moved out and linked back: a layout's members stay inside its folder.
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.move(layout.resolve("blobs/sha256"), outside.resolve("sha256"));
        Files.createSymbolicLink(layout.resolve("blobs/sha256"), outside.resolve("sha256"));

        String refused = refusal("oci:layout:1");
        assertTrue(refused.startsWith("OCI layout " + layout + " has no blobs/sha256/"), refused);
    }

    @Test
    void describe_image_writesACapstanfileThatReadsBackToTheSameRun() throws Exception {
        Path app = dir.resolve("app");
        OciImages.write(app.resolve("etc/passwd"), "root:x:0:0::/:/bin/sh\napp:x:1000:1000::/srv:/bin/sh\n");
        OciImages.write(app.resolve("usr/bin/prog"), "#!/bin/sh\n");
        OciImages.layout(dir.resolve("described"), "1", List.of(app), "--config.entrypoint", "prog", "--config.cmd",
                "a b", "--config.env", "PATH=/usr/bin", "--config.workingdir", "/srv", "--config.user", "app",
                "--config.exposedports", "8080/tcp", "--config.volume", "/srv/data");

        String text = ContainerCapstanfile.describe("oci:described:1", dir, Files.createTempDirectory(dir, "content"),
                EventSink.NONE);

        assertTrue(text.contains("\nfrom: \"oci:described:1\"\n# Entrypoint [prog], Cmd [a b]\n"
                + "cmdline: \"/usr/bin/prog \\\"a b\\\"\"\n# WorkingDir /srv, User app (uid 1000, gid 1000): from the image\n"
                + "env:\n  HOME: \"/srv\"\n  PATH: \"/usr/bin\"\nports:\n  - \"8080:8080\"\n# Volumes /srv/data: a writable tmpfs each, in"
                + " memory and empty at every boot; what the image\n# holds there is hidden (docs/containers.md)\n"), text);
        Files.writeString(dir.resolve("Capstanfile"), text);
        Capstanfile parsed = new CapstanfileParser().parse(dir);
        assertEquals(Optional.of("oci:described:1"), parsed.from());
        assertEquals(List.of("/usr/bin/prog", "a b"), CommandWords.split(parsed.cmdline().orElseThrow()));
        assertEquals(List.of(PortMapping.of(8080)), parsed.ports());
        assertEquals("oci:layout:1: its User 'app' names user 'app', which is not in the image's /etc/passwd (use a name"
                + " listed there or a numeric uid[:gid])", assertThrows(JcapException.class, () -> ContainerCapstanfile
                .describe("oci:layout:1", dir, Files.createTempDirectory(dir, "content"), EventSink.NONE)).getMessage());
    }

    /**
     * An image's config is its author's: a Cmd word, an Env name or value, a WorkingDir or a User
     * holding a line break of any kind YAML knows used to end its comment or value line in the
     * Capstanfile init wrote and add keys to it, a build command among them, which jcap build then
     * ran on this host. Every such character is now an escape; the Capstanfile reads back to the
     * image's exact words and has no key the image did not give.
     */
    @Test
    void describe_configWithLineBreaksOfEveryKind_addsNoKeyAndReadsBackToTheSameWords() throws Exception {
        Path app = dir.resolve("app");
        OciImages.write(app.resolve("usr/bin/prog"), "#!/bin/sh\n");
        List<String> words = List.of("/usr/bin/prog", "x\rbuild: [touch, /tmp/jcap-pwned] #",
                "y\nfiles:\n  /stolen: /etc/shadow", "z\u2028build: [id]", "n\u0085build: [id]", "p\u2029q", "tab\tend");
        OciImages.layout(dir.resolve("hostile"), "1", List.of(app), "--config.entrypoint", words.get(0),
                "--config.cmd", words.get(1), "--config.cmd", words.get(2), "--config.cmd", words.get(3),
                "--config.cmd", words.get(4), "--config.cmd", words.get(5), "--config.cmd", words.get(6),
                "--config.env", "GREETING=a\u2028build: [id]", "--config.env", "OTHER=b\rkernel: osv");

        String text = ContainerCapstanfile.describe("oci:hostile:1", dir, Files.createTempDirectory(dir, "content"),
                EventSink.NONE);

        assertTrue(text.lines().noneMatch(l -> l.startsWith("build") || l.startsWith("files") || l.startsWith("kernel")
                || l.startsWith("  /stolen")), text);
        assertTrue(text.chars().noneMatch(c -> c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029), text);
        Files.writeString(dir.resolve("Capstanfile"), text);
        Capstanfile parsed = new CapstanfileParser().parse(dir);
        assertEquals(List.of(), parsed.build());
        assertEquals(Map.of(), parsed.files());
        assertEquals(Optional.empty(), parsed.kernel());
        assertEquals(words, CommandWords.split(parsed.cmdline().orElseThrow()));
        assertEquals("a\u2028build: [id]", parsed.env().get("GREETING"));
        assertEquals("b\rkernel: osv", parsed.env().get("OTHER"));
    }

    @Test
    void describe_imageWithoutACommand_writesAnEmptyCmdlineToFillIn_andWarns() throws Exception {
        Path app = dir.resolve("base");
        OciImages.write(app.resolve("etc/os-release"), "ID=base\n");
        OciImages.layout(dir.resolve("base-image"), "1", List.of(app));
        RecordedEvents events = new RecordedEvents();

        String text = ContainerCapstanfile.describe("oci:base-image:1", dir, Files.createTempDirectory(dir, "content"),
                events);

        assertTrue(text.contains("\n# Entrypoint [], Cmd []\n# The image has no command: write what the VM runs"
                + " (cmdline: /usr/bin/app --flag)\ncmdline: \"\"\n# WorkingDir /, User root: from the image\n"), text);
        assertTrue(events.lines().contains("WARN oci:base-image:1 has neither Entrypoint nor Cmd: write what the VM runs"
                + " as cmdline in the Capstanfile"), events.lines().toString());
    }

    @Test
    void read_layerDescriptorWithoutAByteCount_isRefused() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path index = layout.resolve("index.json");
        com.fasterxml.jackson.databind.node.ObjectNode top = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                index.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode entry = (com.fasterxml.jackson.databind.node.ObjectNode) top.path(
                "manifests").get(0);
        com.fasterxml.jackson.databind.node.ObjectNode manifest = (com.fasterxml.jackson.databind.node.ObjectNode) json
                .readTree(layout.resolve("blobs/sha256/" + entry.path("digest").asText().substring(7)).toFile());
        for (String size : List.of("-5", "null", "\"12\"")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.path("layers").get(1)).set("size", json.readTree(size));
            byte[] body = json.writeValueAsBytes(manifest);
            String digest = io.jcap.model.Sha256.of(body).hex();
            Files.write(layout.resolve("blobs/sha256/" + digest), body);
            entry.put("digest", "sha256:" + digest).put("size", body.length);
            json.writeValue(index.toFile(), top);

            assertEquals("OCI layout " + layout + ": the descriptor of the layer 2 of manifest " + digest + " has size "
                    + size + ": it must give the blob's size in bytes", refusal("oci:layout:1"), size);
        }
    }

    @Test
    void read_gzippedDockerArchive_saysToUnzipIt() throws Exception {
        OciImages.copy(layout, "1", "docker-archive:" + dir.resolve("image.tar"));
        OciImages.run("gzip", "-k", dir.resolve("image.tar").toString());

        assertEquals("image archive " + dir.resolve("image.tar.gz") + " is gzip-compressed: jcap reads the plain tar"
                + " (docker save's own output); unzip it first (gunzip -k " + dir.resolve("image.tar.gz") + ")",
                refusal("docker-archive:image.tar.gz"));
    }

    private String refusal(String from) throws IOException {
        Path content = Files.createTempDirectory(dir, "content");
        return assertThrows(JcapException.class, () -> ContainerImages.read(ContainerSource.parse(from, dir), content,
                EventSink.NONE)).getMessage();
    }

    private ContainerImage read(String from, RecordedEvents events) throws Exception {
        return ContainerImages.read(ContainerSource.parse(from, dir), Files.createTempDirectory(dir, "content"), events);
    }

    private static List<String> paths(ContainerImage image) {
        return image.entries().stream().map(e -> e.path().value()).toList();
    }

    /** A layer's digest, through index.json and the manifest it names. */
    private static String firstLayerDigest(Path layout) throws IOException {
        return layerDigest(layout, 0);
    }

    private static String layerDigest(Path layout, int index) throws IOException {
        ObjectMapper json = new ObjectMapper();
        String manifest = json.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asText();
        JsonNode body = json.readTree(layout.resolve("blobs/sha256/" + manifest.substring(7)).toFile());
        return body.path("layers").get(index).path("digest").asText().substring(7);
    }
}
