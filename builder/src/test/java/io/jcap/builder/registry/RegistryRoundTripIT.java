package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.builder.repository.ImageOrigin;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.host.HostTool;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.LocalRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push and pull against the plain registry of scripts/registry-services.sh, cross-checked with skopeo. */
class RegistryRoundTripIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;
    LocalRegistry registry;
    ImageRepository repo;
    RegistryAccess access;
    String run;

    @BeforeEach
    void setUp() {
        registry = LocalRegistry.local();
        repo = new ImageRepository(temp.resolve("images"));
        // No credential files: the plain registry takes anonymous requests.
        access = new RegistryAccess(new DockerConfig(Map.of(), temp.resolve("home")), RegistryTls.DEFAULT);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void push_thenSkopeoReadsAContainerDiskOwnedBy107WithTheQcow2() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(1, 200_000), 11);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/hello:1");

        RegistryPush.Outcome out = new RegistryPush(access, "test").push(hello, ref, EventSink.NONE);

        JsonNode manifest = JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + ref));
        assertEquals("sha256:" + out.manifestDigest().hex(), "sha256:" + io.jcap.model.Sha256.of(
                skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + ref).getBytes()).hex());
        assertEquals(4, manifest.path("layers").size(), manifest.toString());
        assertEquals("linux", manifest.path("annotations").path("io.jcap.kernel").asText());
        assertEquals("/app/hello", manifest.path("annotations").path("io.jcap.cmdline").asText());
        Path layout = temp.resolve("layout");
        skopeo("copy", "--src-tls-verify=false", "docker://" + ref, "oci:" + layout + ":hello");
        // skopeo compresses the layers it writes into a layout: read the layout's own manifest.
        String copied = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asText();
        JsonNode disk = JSON.readTree(layout.resolve("blobs/sha256/" + copied.substring(7)).toFile()).path("layers").get(0);
        List<String> entries = new ArrayList<>();
        try (InputStream blob = Files.newInputStream(layout.resolve("blobs/sha256/" + disk.path("digest").asText().substring(7)));
             InputStream in = disk.path("mediaType").asText().endsWith("+gzip") ? new GZIPInputStream(blob) : blob;
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextTarEntry()) != null) {
                entries.add(e.getName() + " " + e.getLongUserId() + ":" + e.getLongGroupId());
                if (e.isFile()) {
                    assertArrayEquals(Files.readAllBytes(hello.file()), tar.readAllBytes());
                }
            }
        }
        // KubeVirt's rules for a containerDisk: disk/ holding one qcow2 or raw file, readable by 107:107.
        assertEquals(List.of("disk/ 107:107", "disk/image.qcow2 107:107"), entries);
    }

    @Test
    void pull_whatWasPushed_storesTheSameFilesAndItsOrigin() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(1, 200_000), 12);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/hello:1");
        RegistryPush.Outcome out = new RegistryPush(access, "test").push(hello, ref, EventSink.NONE);

        ImageRepository.StoredImage pulled = new RegistryPull(access, repo).pull(ref, Optional.of("hello-copy"), EventSink.NONE);

        assertArrayEquals(Files.readAllBytes(hello.file()), Files.readAllBytes(pulled.file()));
        for (String boot : List.of("boot/vmlinuz", "boot/initrd.img", "boot/append")) {
            assertArrayEquals(Files.readAllBytes(hello.folder().resolve(boot)), Files.readAllBytes(pulled.folder().resolve(boot)));
        }
        assertEquals(hello.metadata().withName("hello-copy"), pulled.metadata());
        ImageOrigin origin = ImageOrigin.of(pulled).orElseThrow();
        assertEquals(ref.name(), origin.reference());
        assertEquals(out.manifestDigest(), origin.manifestDigest());
        assertFalse(Files.exists(pulled.folder().resolve(".layers")));
    }

    @Test
    void push_secondImageOfTheSameKernel_sendsOnlyItsOwnLayers() throws Exception {
        byte[] kernel = TestImages.kernel(2, 400_000);
        ImageRepository.StoredImage one = TestImages.store(repo, "one", kernel, 21);
        ImageRepository.StoredImage two = TestImages.store(repo, "two", kernel, 22);
        RegistryPush push = new RegistryPush(access, "test");
        RegistryPush.Outcome first = push.push(one, ImageReference.parse(registry.plain() + "/it-" + run + "/one:1"), EventSink.NONE);

        RegistryPush.Outcome second = push.push(two, ImageReference.parse(registry.plain() + "/it-" + run + "/one:2"),
                EventSink.NONE);

        assertEquals(4, first.layersSent());
        assertEquals(1, second.layersSkipped(), "the kernel's layer");
        assertEquals(3, second.layersSent());
        assertTrue(second.bytesSkipped() > kernel.length, second.toString());
        assertTrue(first.configSent() && second.configSent(), "each image's own configuration");
        assertEquals("Sent 3 layer(s) and the configuration, " + second.bytesSent() + " bytes; the registry had 1"
                + " layer(s) of " + second.bytesSkipped() + " bytes already", second.summary());
        List<Long> progress = new ArrayList<>();
        RegistryPush.Outcome again = push.push(two, ImageReference.parse(registry.plain() + "/it-" + run + "/one:2"),
                new EventSink() {
                    @Override
                    public void log(EventSink.Level level, String message) {
                    }

                    @Override
                    public void progress(String task, long done, long total) {
                        progress.add(done);
                    }
                });
        assertEquals(0, again.layersSent());
        assertFalse(again.configSent());
        assertEquals(0, again.bytesSent());
        assertEquals(second.manifestDigest(), again.manifestDigest());
        assertEquals(List.of(), progress, "nothing sent, no progress shown");
        assertEquals("Sent nothing; the registry had 4 layer(s) of " + again.bytesSkipped() + " bytes already",
                again.summary());
    }

    @Test
    void pull_ofWhatSkopeoCopiedToAnotherRepository_works() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(1, 200_000), 13);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/hello:1");
        new RegistryPush(access, "test").push(hello, ref, EventSink.NONE);
        ImageReference copy = ImageReference.parse(registry.plain() + "/it-" + run + "/copied:7");
        skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://" + ref, "docker://" + copy);

        ImageRepository.StoredImage pulled = new RegistryPull(access, repo).pull(copy, Optional.empty(), EventSink.NONE);

        assertEquals("copied", pulled.metadata().name());
        assertArrayEquals(Files.readAllBytes(hello.file()), Files.readAllBytes(pulled.file()));
    }

    /** A disk damaged since its build is refused before anything is sent: no pull could store it. */
    @Test
    void push_ofADiskChangedSinceItsBuild_isRefusedAndTheTagIsNotMade() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(1, 200_000), 17);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/changed:1");
        try (java.nio.channels.FileChannel disk = java.nio.channels.FileChannel.open(hello.file(),
                java.nio.file.StandardOpenOption.WRITE)) {
            disk.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xff}), 70_000);
        }

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPush(access, "test").push(hello, ref, EventSink.NONE));

        assertTrue(e.getMessage().startsWith("image file " + hello.file().toAbsolutePath() + " changed since it was built"
                + " (its SHA-256 is "), e.getMessage());
        JcapException missing = assertThrows(JcapException.class,
                () -> new RegistryPull(access, repo).pull(ref, Optional.of("changed"), EventSink.NONE));
        assertTrue(missing.getMessage().contains("MANIFEST_UNKNOWN"), missing.getMessage());
    }

    /**
     * A rebuild that stores the image while it is pushed: the push fails saying so, and the tag is
     * not made. It used to blame the registry (exit 3), or tag a manifest whose disk no pull could
     * store, and exit 0.
     */
    @Test
    void push_ofAnImageStoredAgainWhileItIsSent_failsSayingSo_andTagsNothing() throws Exception {
        // Progress is reported every MiB: a kernel of 3 MB is reported on while it is sent.
        byte[] kernel = TestImages.kernel(3, 3_000_000);
        ImageRepository.StoredImage first = TestImages.store(repo, "swapped", kernel, 19);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/swapped:1");
        java.util.concurrent.atomic.AtomicBoolean rebuilt = new java.util.concurrent.atomic.AtomicBoolean();
        EventSink rebuilding = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String task, long done, long total) {
                if (done > 0 && rebuilt.compareAndSet(false, true)) {
                    try {
                        TestImages.store(repo, "swapped", kernel, 20);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPush(access, "test").push(first, ref, rebuilding));

        assertTrue(rebuilt.get());
        assertEquals("image 'swapped' was stored again (rebuilt or pulled) while it was pushed: nothing was tagged; push"
                + " it again", e.getMessage());
        JcapException missing = assertThrows(JcapException.class,
                () -> new RegistryPull(access, repo).pull(ref, Optional.of("swapped2"), EventSink.NONE));
        assertTrue(missing.getMessage().contains("MANIFEST_UNKNOWN"), missing.getMessage());
    }

    /**
     * The name is checked again when the pull stores its image, under the name's build lock: a
     * build (or another pull) of that name under way refuses it, where the pull once replaced
     * what the other stored and both said they had succeeded.
     */
    @Test
    void pull_whileABuildOfTheNameIsUnderWay_isRefusedAndStoresNothing() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(1, 200_000), 18);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/held:1");
        new RegistryPush(access, "test").push(hello, ref, EventSink.NONE);

        try (io.jcap.builder.repository.BuildLock building = repo.lockForBuild("held")) {
            JcapException e = assertThrows(JcapException.class,
                    () -> new RegistryPull(access, repo).pull(ref, Optional.empty(), EventSink.NONE));
            assertTrue(e.getMessage().startsWith("image 'held' is being built or pulled by another jcap (process "),
                    e.getMessage());
        }
        assertEquals(Optional.empty(), repo.find("held"));
    }

    @Test
    void pull_byAnotherDigest_isRefusedAndStoresNothing() throws Exception {
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(1, 200_000), 14);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/hello:1");
        new RegistryPush(access, "test").push(hello, ref, EventSink.NONE);
        String wrong = "0".repeat(64);
        ImageReference pinned = ImageReference.parse(registry.plain() + "/it-" + run + "/hello:1@sha256:" + wrong);

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPull(access, repo).pull(pinned, Optional.of("pinned"), EventSink.NONE));

        assertTrue(e.getMessage().startsWith("registry " + registry.plain() + " refused GET /v2/it-" + run
                + "/hello/manifests/sha256:" + wrong + " (HTTP 404): MANIFEST_UNKNOWN"), e.getMessage());
        assertEquals(Optional.empty(), repo.find("pinned"));
    }

    @Test
    void pull_ofATamperedBlob_isRefusedAndLeavesNoImage() throws Exception {
        // A seed of this run's own: the registry keeps blobs between runs, and a second flip would undo the first.
        ImageRepository.StoredImage hello = TestImages.store(repo, "hello", TestImages.kernel(1, 200_000), run.hashCode());
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/hello:1");
        new RegistryPush(access, "test").push(hello, ref, EventSink.NONE);
        JsonNode manifest = JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + ref));
        // The initramfs's layer is this run's own: changing it harms no other test.
        String initrd = manifest.path("layers").get(2).path("digest").asText().substring("sha256:".length());
        Path data = registry.plainStorage().resolve("docker/registry/v2/blobs/sha256/" + initrd.substring(0, 2) + "/" + initrd
                + "/data");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 1;
        Files.write(data, bytes);

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPull(access, repo).pull(ref, Optional.of("tampered"), EventSink.NONE));

        assertTrue(e.getMessage().startsWith("layer sha256:" + initrd + " of " + ref + " is not what its manifest names ("
                + bytes.length + " bytes, sha256:"), e.getMessage());
        assertEquals(Optional.empty(), repo.find("tampered"));
        try (var left = Files.list(repo.dir())) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".staging-")
                    && !n.endsWith(".lock")).toList());
        }
    }

    @Test
    void pull_ofADiskNamingABackingFile_isRefused() throws Exception {
        Path backing = Files.write(temp.resolve("secret.raw"), new byte[4096]);
        ImageRepository.StoredImage bad = TestImages.store(repo, "bad", TestImages.kernel(1, 200_000), 16, backing);
        ImageReference ref = ImageReference.parse(registry.plain() + "/it-" + run + "/bad:1");
        new RegistryPush(access, "test").push(bad, ref, EventSink.NONE);

        JcapException e = assertThrows(JcapException.class,
                () -> new RegistryPull(access, repo).pull(ref, Optional.of("bad-copy"), EventSink.NONE));

        assertTrue(e.getMessage().contains(backing.toString()), e.getMessage());
        assertEquals(Optional.empty(), repo.find("bad-copy"));
    }

    static String skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        HostTool.Result r = HostTool.run(command, Duration.ofMinutes(2));
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + r.stderr());
        }
        return r.stdout();
    }
}
