package io.jcap.builder.registry;

import io.jcap.builder.push.FileSums;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.host.FileDigests;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
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
    /** The bound on the disk's SHA-256, taken by a host tool beside the layers' digests. */
    private static final Duration DIGEST_TIMEOUT = Duration.ofMinutes(10);

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
     * @param configSent whether the configuration blob was uploaded (the registry had it otherwise)
     * @param layersSkipped the layers the registry had already
     * @param bytesSkipped the size of those
     */
    public record Outcome(ImageReference pushed, long bytesSent, int layersSent, boolean configSent, int layersSkipped,
            long bytesSkipped) {
        /** The manifest's digest. */
        public Sha256 manifestDigest() {
            return pushed.digest().orElseThrow();
        }

        /** What was sent and what the registry had, in a line. */
        public String summary() {
            String what = layersSent == 0 && !configSent ? "Sent nothing"
                    : "Sent " + layersSent + " layer(s)" + (configSent ? " and the configuration" : "") + ", "
                            + bytesSent + " bytes";
            return what + (layersSkipped == 0 ? "" : "; the registry had " + layersSkipped + " layer(s) of "
                    + bytesSkipped + " bytes already");
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
            throw JcapException.usage("cannot push to '" + ref + "': a push names a tag (" + ref.registry() + "/" + ref.repository()
                    + ":TAG); the registry gives the digest");
        }
        long started = System.nanoTime();
        // The disk is checked against its record before anything is sent, as every push target
        // does: a disk damaged since its build would be pushed, and no pull could store it.
        Path file = image.file().toAbsolutePath();
        Object identity = identity(file);
        FileDigests.Running recorded = FileDigests.start(FileDigests.Algorithm.SHA256, file.getParent(),
                List.of(file.toString()));
        ContainerDisk disk;
        try {
            disk = ContainerDisk.of(image, jcapVersion);
        } catch (JcapException | RuntimeException e) {
            recorded.stop();
            throw e;
        }
        Sha256 actual = new Sha256(recorded.await(DIGEST_TIMEOUT).get(file.toString()));
        if (!actual.equals(image.metadata().imageSha256())) {
            requireSame(identity, file, image, null);
            FileSums.requireRecorded(file, actual, image.metadata().imageSha256());
        }
        events.debug(String.format(java.util.Locale.ROOT, "Layer digests computed in %.2f s",
                (System.nanoTime() - started) / 1e9));
        RemoteRepository remote = access.open(ref, "pull,push", events);
        long skipped = 0;
        List<ContainerDisk.Layer> missing = new java.util.ArrayList<>();
        long missingBytes;
        boolean configSent;
        try {
            // The layers the registry has are asked for first, so that the progress counts only
            // what is sent: a second push of the same image showed 0-100% while sending nothing.
            for (ContainerDisk.Layer layer : disk.layers()) {
                if (remote.hasBlob(layer.digest())) {
                    events.debug("Layer " + layer.title() + " (" + layer.size() + " bytes): the registry has it, skipped");
                    skipped += layer.size();
                } else {
                    missing.add(layer);
                }
            }
            missingBytes = missing.stream().mapToLong(ContainerDisk.Layer::size).sum();
            ProgressMeter meter = new ProgressMeter(events, "Pushing " + image.metadata().name() + " to " + ref,
                    missingBytes);
            for (ContainerDisk.Layer layer : missing) {
                long before = meter.done();
                remote.uploadBlob(layer.digest(), layer.size(), out -> layer.writeTo(new Counted(out, meter)));
                if (meter.done() - before != layer.size()) {
                    throw new JcapException("layer " + layer.title() + " changed while it was sent (" + (meter.done()
                            - before) + " bytes, not " + layer.size() + "): is image '" + image.metadata().name()
                            + "' being rebuilt?");
                }
            }
            if (!missing.isEmpty()) {
                meter.finish();
            }
            configSent = !remote.hasBlob(disk.config().digest());
            if (configSent) {
                remote.uploadBlob(disk.config().digest(), disk.config().bytes().length,
                        out -> out.write(disk.config().bytes()));
            }
        } catch (JcapException e) {
            // A rebuild that stored the image meanwhile changes what the layers read: the registry's
            // complaint (a length or digest that no longer fits) is not the cause.
            requireSame(identity, file, image, e);
            throw e;
        }
        // Every byte sent came from the disk as it was when its digests were taken, unless a
        // rebuild replaced it since: then the tag is not moved.
        requireSame(identity, file, image, null);
        remote.putManifest(ref.tag().orElseThrow(), disk.manifest().bytes(), RemoteRepository.OCI_MANIFEST);
        return new Outcome(ref.withDigest(disk.manifest().digest()),
                missingBytes + (configSent ? disk.config().bytes().length : 0), missing.size(), configSent,
                disk.layers().size() - missing.size(), skipped);
    }

    /** What tells one stored disk from the next: a commit puts a new file (another inode) in its place. */
    private static Object identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return e.getClass().getName();
        }
    }

    /** Refuses to go on when the image's disk is no longer the one the push started with. */
    private static void requireSame(Object identity, Path file, ImageRepository.StoredImage image, Exception cause)
            throws JcapException {
        if (!identity.equals(identity(file))) {
            throw new JcapException("image '" + image.metadata().name() + "' was stored again (rebuilt or pulled) while"
                    + " it was pushed: nothing was tagged; push it again", cause);
        }
    }

    /** Counts the bytes written through it. */
    private static final class Counted extends java.io.FilterOutputStream {
        private final ProgressMeter meter;

        Counted(OutputStream out, ProgressMeter meter) {
            super(out);
            this.meter = meter;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            meter.add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            meter.add(len);
        }
    }
}
