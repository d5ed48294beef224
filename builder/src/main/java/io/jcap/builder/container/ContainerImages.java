package io.jcap.builder.container;

import io.jcap.builder.registry.RegistryAccess;
import io.jcap.builder.registry.RegistryImage;
import io.jcap.formats.oci.LayerStack;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Reads a container image into a file tree: the layout's manifest and config, then each layer
 * applied in order with its blob digest and size (where the layout gives them) and its DiffID
 * checked. A missing blob, a mismatch or a truncated layer stops the build with the layer named;
 * nothing is stored, since only the build stores.
 *
 * <pre>{@code
 * ContainerImage image = ContainerImages.read(ContainerSource.parse("oci:build/app:1", dir), temp, events);
 * }</pre>
 */
public final class ContainerImages {
    private ContainerImages() {
    }

    /**
     * @param contentDir an empty jcap temp folder that holds the regular files' bytes until the
     *     caller deletes it
     */
    public static ContainerImage read(ContainerSource source, Path contentDir, EventSink events) throws JcapException {
        try (LayoutFiles files = open(source, events)) {
            ImageParts parts = source instanceof ContainerSource.DockerArchive
                    ? new DockerManifest(files).read()
                    : new OciIndex(files).read(source instanceof ContainerSource.OciLayout l ? l.tag() : Optional.empty());
            ContainerConfig config = ContainerConfig.parse(parts.config(), source.text());
            if (config.diffIds().size() != parts.layers().size()) {
                throw new JcapException(source.text() + ": the manifest lists " + parts.layers().size()
                        + " layers and the config's rootfs " + config.diffIds().size() + ": refused");
            }
            LayerStack stack = new LayerStack(contentDir, events);
            // Progress in the layers' bytes (what the bar shows), when the manifest gives their sizes.
            long total = parts.layers().stream().mapToLong(l -> Math.max(0, l.size())).sum();
            long done = 0;
            for (int i = 0; i < parts.layers().size(); i++) {
                apply(files, stack, parts.layers().get(i), config.diffIds().get(i), source.text() + " layer " + (i + 1));
                done += Math.max(0, parts.layers().get(i).size());
                if (total > 0) {
                    events.progress("Applying layers", done, total);
                }
            }
            for (String key : config.ignored()) {
                events.warn(source.text() + ": the image config's " + key + " is not honoured in a jcap VM"
                        + " (docs/containers.md)");
            }
            return new ContainerImage(source.text(), stack.entries(), config);
        } catch (IOException e) {
            throw new JcapException("cannot read " + source.text() + ": " + e.getMessage(), e);
        }
    }

    private static LayoutFiles open(ContainerSource source, EventSink events) throws JcapException {
        if (source instanceof ContainerSource.OciLayout l) {
            return LayoutFiles.folder(l.dir());
        }
        if (source instanceof ContainerSource.Registry r) {
            try {
                return new RegistryLayout(RegistryImage.open(RegistryAccess.fromEnvironment(), r.reference(), events), r.text());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JcapException("interrupted while reading " + r.text(), e);
            }
        }
        return LayoutFiles.archive(source instanceof ContainerSource.OciArchive a ? a.file()
                : ((ContainerSource.DockerArchive) source).file());
    }

    private static void apply(LayoutFiles files, LayerStack stack, ImageParts.Layer layer, Sha256 diffId, String what)
            throws JcapException, IOException {
        Optional<InputStream> blob = files.open(layer.member());
        if (blob.isEmpty()) {
            throw new JcapException(what + ": the manifest names " + layer.member() + ", which " + files.where()
                    + " does not hold: refused");
        }
        Sha256 actualDiffId;
        Counted counted = new Counted(blob.get());
        try (InputStream in = counted) {
            try {
                actualDiffId = stack.apply(in, what);
            } catch (JcapException unreadable) {
                // A changed blob most often fails to decompress or unpack: its digest says why, so the
                // rest is read and the digest checked before the unpacking's own error is given.
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    throw unreadable;
                }
                checkBlob(layer, counted, what, unreadable);
                throw unreadable;
            }
        }
        checkBlob(layer, counted, what, null);
        if (!actualDiffId.equals(diffId)) {
            throw new JcapException(what + " unpacks to sha256:" + actualDiffId.hex() + ", not the config's diff_id sha256:"
                    + diffId.hex() + ": a changed or truncated layer, refused");
        }
    }

    private static void checkBlob(ImageParts.Layer layer, Counted counted, String what, Exception cause)
            throws JcapException {
        Sha256 blobDigest = Sha256.of(counted.digest);
        if (layer.digest().isPresent() && !layer.digest().get().equals(blobDigest)
                || layer.size() >= 0 && layer.size() != counted.count) {
            throw new JcapException(what + " is sha256:" + blobDigest.hex() + ", " + counted.count + " bytes, not sha256:"
                    + layer.digest().map(Sha256::hex).orElse("?") + ", " + layer.size()
                    + " bytes as the manifest says: a changed or truncated blob, refused", cause);
        }
    }

    /** A blob's bytes counted and hashed as the layer is read. */
    private static final class Counted extends FilterInputStream {
        private final MessageDigest digest = Sha256.newDigest();
        private long count;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                digest.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Every byte must pass the digest: skipping reads.
            return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
        }
    }
}
