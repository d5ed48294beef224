package io.jcap.builder.registry;

import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Pushes a stored image to a registry as a KubeVirt containerDisk ({@link ContainerDisk}): each
 * layer the repository lacks is uploaded (a {@code HEAD} first, so a layer it has, such as a kernel
 * another image of the same kernel sent, is not sent again), then the configuration, then the
 * manifest under the reference's tag. The manifest goes last, so a push cut short leaves no tag
 * pointing at missing layers.
 *
 * <pre>{@code
 * RegistryPush.Outcome out = new RegistryPush(RegistryAccess.fromEnvironment(), "0.1.0")
 *         .push(image, ImageReference.parse("127.0.0.1:5000/hello:1"), events);
 * }</pre>
 */
public final class RegistryPush {
    private static final long PROGRESS_STEP = 1 << 20;

    private final RegistryAccess access;
    private final String jcapVersion;

    public RegistryPush(RegistryAccess access, String jcapVersion) {
        this.access = Objects.requireNonNull(access, "access");
        this.jcapVersion = Objects.requireNonNull(jcapVersion, "jcapVersion");
    }

    /**
     * What a push did.
     *
     * @param pushed the reference pushed, pinned to the manifest's digest
     * @param bytesSent the bytes of the blobs uploaded (layers and configuration)
     * @param layersSent the layers uploaded
     * @param layersSkipped the layers the registry had already
     * @param bytesSkipped the size of those
     */
    public record Outcome(ImageReference pushed, long bytesSent, int layersSent, int layersSkipped, long bytesSkipped) {
        /** The manifest's digest. */
        public Sha256 manifestDigest() {
            return pushed.digest().orElseThrow();
        }
    }

    /**
     * Pushes {@code image} to {@code ref}'s tag.
     *
     * @throws JcapException exit code 1 when the registry refuses (credentials, a digest), 3 when it cannot be reached
     */
    public Outcome push(ImageRepository.StoredImage image, ImageReference ref, EventSink events)
            throws JcapException, InterruptedException {
        if (ref.digest().isPresent()) {
            throw new JcapException("cannot push to '" + ref + "': a push names a tag (" + ref.registry() + "/" + ref.repository()
                    + ":TAG); the registry gives the digest");
        }
        ContainerDisk disk = ContainerDisk.of(image, jcapVersion);
        RemoteRepository remote = access.open(ref, "pull,push", events);
        long total = disk.layers().stream().mapToLong(ContainerDisk.Layer::size).sum();
        String task = "Pushing " + image.metadata().name() + " to " + ref;
        long[] done = {0};
        long sent = 0;
        long skipped = 0;
        int layersSent = 0;
        for (ContainerDisk.Layer layer : disk.layers()) {
            if (remote.hasBlob(layer.digest())) {
                events.debug("Layer " + layer.title() + " (" + layer.size() + " bytes): the registry has it, skipped");
                skipped += layer.size();
                done[0] += layer.size();
                events.progress(task, done[0], total);
                continue;
            }
            long before = done[0];
            remote.uploadBlob(layer.digest(), layer.size(), out -> layer.writeTo(new Progress(out, events, task, done, total)));
            if (done[0] - before != layer.size()) {
                throw new JcapException("layer " + layer.title() + " changed while it was sent (" + (done[0] - before)
                        + " bytes, not " + layer.size() + "): is image '" + image.metadata().name() + "' being rebuilt?");
            }
            sent += layer.size();
            layersSent++;
        }
        if (!remote.hasBlob(disk.config().digest())) {
            remote.uploadBlob(disk.config().digest(), disk.config().bytes().length, out -> out.write(disk.config().bytes()));
            sent += disk.config().bytes().length;
        }
        remote.putManifest(ref.tag().orElseThrow(), disk.manifest().bytes(), RemoteRepository.OCI_MANIFEST);
        events.progress(task, total, total);
        return new Outcome(ref.withDigest(disk.manifest().digest()), sent, layersSent, disk.layers().size() - layersSent,
                skipped);
    }

    /** Reports the bytes written through it, every MiB. */
    private static final class Progress extends OutputStream {
        private final OutputStream out;
        private final EventSink events;
        private final String task;
        private final long[] done;
        private final long total;
        private long reported;

        Progress(OutputStream out, EventSink events, String task, long[] done, long total) {
            this.out = out;
            this.events = events;
            this.task = task;
            this.done = done;
            this.total = total;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            done[0] += len;
            if (done[0] - reported >= PROGRESS_STEP) {
                reported = done[0];
                events.progress(task, done[0], total);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
