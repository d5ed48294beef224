package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.oci.LayerReader;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Fetches the blobs a manifest names, each checked against its descriptor's digest and size as it
 * streams (a byte more than the size is refused at once), and lays the layers' files out as an
 * image folder: the one file of {@code disk/} becomes {@code image.qcow2}, {@code jcap/PATH} becomes
 * {@code PATH}.
 */
final class BlobFetch {
    private static final long CONFIG_LIMIT = 1 << 20;
    private static final Set<String> TAR = Set.of(ContainerDisk.LAYER_TAR, "application/vnd.docker.image.rootfs.diff.tar");
    private static final Set<String> GZIP = Set.of("application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.docker.image.rootfs.diff.tar.gzip");

    private final RemoteRepository remote;
    private final ImageReference ref;
    private final EventSink events;

    BlobFetch(RemoteRepository remote, ImageReference ref, EventSink events) {
        this.remote = remote;
        this.ref = ref;
        this.events = events;
    }

    /** Fetches and checks the configuration blob (kept small: jcap's are a few KiB). */
    void config(JsonNode descriptor) throws JcapException, InterruptedException, IOException {
        Sha256 digest = digestOf(descriptor);
        long size = descriptor.path("size").asLong(-1);
        if (size < 0 || size > CONFIG_LIMIT) {
            throw new JcapException("the configuration of " + ref + " is " + size + " bytes: jcap takes at most " + CONFIG_LIMIT);
        }
        try (InputStream in = new Checked(new StallBound(remote.openBlob(digest), StallBound.DEFAULT,
                "the configuration of " + ref), digest, size, "the configuration of " + ref,
                new ProgressMeter(EventSink.NONE, "", size))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (Mismatch e) {
            throw new JcapException(e.getMessage(), e);
        }
    }

    /** Fetches every layer into {@code staging} and arranges the files as an image folder. */
    void layers(JsonNode descriptors, Path staging) throws JcapException, InterruptedException, IOException {
        long total = 0;
        for (JsonNode d : descriptors) {
            total += d.path("size").asLong(0);
        }
        Path unpacked = Files.createDirectory(staging.resolve(".layers"));
        List<LayerReader.Unpacked> files = new ArrayList<>();
        ProgressMeter meter = new ProgressMeter(events, "Pulling " + ref, total);
        for (JsonNode d : descriptors) {
            Sha256 digest = digestOf(d);
            long size = d.path("size").asLong(-1);
            String type = d.path("mediaType").asText("");
            if (!TAR.contains(type) && !GZIP.contains(type)) {
                throw new JcapException("layer sha256:" + digest.hex() + " of " + ref + " has media type '" + type
                        + "': jcap takes tar layers, plain or gzip");
            }
            String what = "layer sha256:" + digest.hex() + " of " + ref;
            try (InputStream blob = new Checked(new StallBound(remote.openBlob(digest), StallBound.DEFAULT, what), digest,
                    size, what, meter)) {
                InputStream tar = GZIP.contains(type) ? new GZIPInputStream(blob, 1 << 16) : blob;
                files.addAll(LayerReader.unpack(tar, unpacked, what));
                blob.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (Mismatch e) {
                throw new JcapException(e.getMessage(), e);
            }
        }
        arrange(files, staging);
        io.jcap.host.FileTrees.deleteQuietly(unpacked);
        meter.finish();
    }

    private void arrange(List<LayerReader.Unpacked> files, Path staging) throws JcapException, IOException {
        List<LayerReader.Unpacked> disks = new ArrayList<>();
        for (LayerReader.Unpacked f : files) {
            if (f.path().startsWith(ContainerDisk.DISK_PATH) && f.path().indexOf('/', ContainerDisk.DISK_PATH.length()) < 0) {
                disks.add(f);
            } else if (f.path().startsWith(ContainerDisk.FILES_PATH)) {
                String rel = f.path().substring(ContainerDisk.FILES_PATH.length());
                if (!rel.contains("/") && ContainerDisk.isOwnFile(rel)) {
                    throw new JcapException(ref + " has a layer file " + f.path() + ", which would replace the repository's own: refused");
                }
                Path target = staging.resolve(rel);
                Files.createDirectories(target.getParent());
                Files.move(f.file(), target);
            } else {
                throw new JcapException(ref + " has a file " + f.path() + " outside disk/ and jcap/: not an image jcap pushed");
            }
        }
        if (disks.size() != 1) {
            throw new JcapException(ref + " has " + disks.size() + " files in disk/: a containerDisk holds exactly one");
        }
        Files.move(disks.get(0).file(), staging.resolve(ImageRepository.IMAGE_FILE));
    }

    private Sha256 digestOf(JsonNode descriptor) throws JcapException {
        String d = descriptor.path("digest").asText("");
        if (!d.startsWith("sha256:")) {
            throw new JcapException("a blob of " + ref + " has digest '" + d + "': jcap verifies sha256 digests only");
        }
        try {
            return new Sha256(d.substring("sha256:".length()));
        } catch (IllegalArgumentException e) {
            throw new JcapException("a blob of " + ref + " has a malformed digest '" + d + "'", e);
        }
    }

    /** A blob that is not what its descriptor says. */
    private static final class Mismatch extends IOException {
        Mismatch(String message) {
            super(message);
        }
    }

    /** A blob's bytes, refused at the first byte past its size and, at its end, on a wrong size or digest. */
    private static final class Checked extends FilterInputStream {
        private final StreamDigest sha = StreamDigest.start();
        private final Sha256 expected;
        private final long size;
        private final String what;
        private final ProgressMeter meter;
        private long read;
        private boolean verified;

        Checked(InputStream in, Sha256 expected, long size, String what, ProgressMeter meter) {
            super(in);
            this.expected = expected;
            this.size = size;
            this.what = what;
            this.meter = meter;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                verify();
                return -1;
            }
            sha.write(b, off, n);
            read += n;
            meter.add(n);
            if (read > size) {
                throw new Mismatch(what + " is longer than the " + size + " bytes its manifest says: refused");
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            sha.abandon();
            super.close();
        }

        private void verify() throws IOException {
            if (verified) {
                return;
            }
            verified = true;
            Sha256 actual;
            try {
                actual = sha.finish();
            } catch (JcapException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (read != size || !actual.equals(expected)) {
                throw new Mismatch(what + " is not what its manifest names (" + read + " bytes, sha256:" + actual.hex()
                        + "; the manifest says " + size + " bytes, sha256:" + expected.hex() + "): refused");
            }
        }
    }
}
