package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageMetadataJson;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.oci.LayerEntry;
import io.jcap.formats.oci.LayerTar;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A stored image as an OCI image that KubeVirt boots as a containerDisk: the first layer holds
 * {@code disk/image.qcow2} owned by 107:107 (KubeVirt's qemu user); every other file of the image's
 * folder (a Linux image's direct-boot kernel, initramfs, command line) is a layer of its own under
 * {@code jcap/}, so that a layer such as the kernel is the same blob for every image of that kernel
 * and a registry that has it is not sent it again. jcap's record of the image travels as manifest
 * annotations (and config labels). Same image, same bytes: the manifest's digest depends only on
 * the image.
 *
 * @param layers the layers, disk first
 * @param config the image configuration blob
 * @param manifest the manifest
 */
record ContainerDisk(List<Layer> layers, Blob config, Blob manifest) {
    static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String DISK_PATH = "disk/";
    static final String FILES_PATH = "jcap/";
    /** KubeVirt runs QEMU as uid and gid 107 and reads the disk as that user. */
    static final int QEMU_ID = 107;
    /** The annotation holding the image's whole record, which a pull stores as its {@code image.json}. */
    static final String RECORD = "io.jcap.image.record";

    ContainerDisk {
        layers = List.copyOf(layers);
    }

    /** Bytes in memory with their digest: the configuration and the manifest. */
    record Blob(byte[] bytes, Sha256 digest) {
        static Blob of(byte[] bytes) {
            return new Blob(bytes, Sha256.of(bytes));
        }
    }

    /** A layer's files, its digest and its size; its bytes are written again when sent. */
    record Layer(String title, List<LayerEntry> entries, Sha256 digest, long size) {
        void writeTo(OutputStream out) throws IOException {
            LayerTar.write(entries, out);
        }
    }

    /** The containerDisk of {@code image}, pushed by jcap {@code jcapVersion}; reads every file once for the digests. */
    static ContainerDisk of(ImageRepository.StoredImage image, String jcapVersion) throws JcapException {
        try {
            List<Layer> layers = new ArrayList<>();
            layers.add(layer(DISK_PATH + ImageRepository.IMAGE_FILE,
                    List.of(new LayerEntry(DISK_PATH + ImageRepository.IMAGE_FILE, image.file(), QEMU_ID, QEMU_ID, 0644))));
            for (Path file : extraFiles(image)) {
                String path = FILES_PATH + image.folder().relativize(file).toString().replace('\\', '/');
                layers.add(layer(path, List.of(new LayerEntry(path, file, 0, 0, 0644))));
            }
            Map<String, String> annotations = annotations(image.metadata(), jcapVersion);
            Blob config = Blob.of(RegistryHttp.JSON.writeValueAsBytes(config(image.metadata(), layers, annotations)));
            return new ContainerDisk(layers, config, Blob.of(RegistryHttp.JSON.writeValueAsBytes(
                    manifest(config, layers, annotations))));
        } catch (IOException e) {
            throw new JcapException("cannot read image '" + image.metadata().name() + "' in " + image.folder() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The files a family keeps beside the disk and its record, sorted by path. */
    private static List<Path> extraFiles(ImageRepository.StoredImage image) throws IOException {
        Path folder = image.folder();
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getParent().equals(folder)
                    || !isOwnFile(p.getFileName().toString())).sorted().toList();
        }
    }

    /** The repository's own files of an image folder, which do not travel as layers. */
    static boolean isOwnFile(String name) {
        return name.equals(ImageRepository.IMAGE_FILE) || name.equals("image.json") || name.equals("origin.json");
    }

    /** The layer of {@code entries}: its tar written once into a {@link StreamDigest}, for its digest and size. */
    private static Layer layer(String title, List<LayerEntry> entries) throws IOException, JcapException {
        StreamDigest digest = StreamDigest.start();
        CountingOutput counter = new CountingOutput(digest);
        try {
            LayerTar.write(entries, counter);
            return new Layer(title, entries, digest.finish(), counter.count());
        } finally {
            digest.abandon();
        }
    }

    private static Map<String, String> annotations(ImageMetadata m, String jcapVersion) throws IOException, JcapException {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("org.opencontainers.image.title", m.name());
        a.put("org.opencontainers.image.created", m.created().toString());
        a.put("io.jcap.version", jcapVersion);
        a.put("io.jcap.kernel", m.kernel());
        a.put("io.jcap.cmdline", m.cmdline() == null ? "" : m.cmdline());
        a.put("io.jcap.memory-mib", Integer.toString(m.memoryMiB()));
        a.put("io.jcap.cpus", Integer.toString(m.cpus()));
        a.put("io.jcap.ports", String.join(",", m.ports().stream().map(Object::toString).toList()));
        a.put("io.jcap.image.sha256", m.imageSha256().hex());
        a.put(RECORD, RegistryHttp.JSON.readTree(ImageMetadataJson.toBytes(m)).toString());
        return a;
    }

    private static ObjectNode config(ImageMetadata m, List<Layer> layers, Map<String, String> labels) {
        ObjectNode root = RegistryHttp.JSON.createObjectNode();
        root.put("created", m.created().toString()).put("architecture", "amd64").put("os", "linux");
        ObjectNode labelNode = root.putObject("config").putObject("Labels");
        labels.forEach(labelNode::put);
        ObjectNode rootfs = root.putObject("rootfs").put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        ArrayNode history = root.putArray("history");
        for (Layer l : layers) {
            // Uncompressed layers: the diff ID is the layer's own digest.
            diffIds.add("sha256:" + l.digest().hex());
            history.addObject().put("created", m.created().toString()).put("created_by", "jcap push: " + l.title());
        }
        return root;
    }

    private static ObjectNode manifest(Blob config, List<Layer> layers, Map<String, String> annotations) {
        ObjectNode root = RegistryHttp.JSON.createObjectNode();
        root.put("schemaVersion", 2).put("mediaType", RemoteRepository.OCI_MANIFEST);
        root.putObject("config").put("mediaType", CONFIG).put("digest", "sha256:" + config.digest().hex())
                .put("size", config.bytes().length);
        ArrayNode array = root.putArray("layers");
        for (Layer l : layers) {
            ObjectNode d = array.addObject().put("mediaType", LAYER_TAR).put("digest", "sha256:" + l.digest().hex())
                    .put("size", l.size());
            d.putObject("annotations").put("org.opencontainers.image.title", l.title());
        }
        ObjectNode a = root.putObject("annotations");
        annotations.forEach(a::put);
        return root;
    }

    /** Counts what passes, for a layer's size. */
    static final class CountingOutput extends java.io.FilterOutputStream {
        private long count;

        CountingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }
}
