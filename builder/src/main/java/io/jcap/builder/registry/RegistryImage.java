package io.jcap.builder.registry;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.InputStream;
import java.util.Objects;

/**
 * Any container image in a registry, read for {@code from:}: its manifest (or index of
 * platforms), checked against the reference's digest and the registry's claim, and its blobs and
 * nested manifests by digest, which the caller checks as it reads them.
 *
 * <pre>{@code
 * RegistryImage image = RegistryImage.open(RegistryAccess.fromEnvironment(), ImageReference.parse("127.0.0.1:5000/redis:7"), events);
 * byte[] manifest = image.manifest();
 * }</pre>
 */
public final class RegistryImage {
    private static final String ACCEPT = RemoteRepository.OCI_MANIFEST + ", " + RemoteRepository.DOCKER_MANIFEST
            + ", application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json";

    private final RemoteRepository remote;
    private final RemoteRepository.Manifest manifest;
    private final Sha256 digest;

    private RegistryImage(RemoteRepository remote, RemoteRepository.Manifest manifest, Sha256 digest) {
        this.remote = remote;
        this.manifest = manifest;
        this.digest = digest;
    }

    /** Connects (credentials from Docker's files) and fetches the reference's manifest. */
    public static RegistryImage open(RegistryAccess access, ImageReference ref, EventSink events)
            throws JcapException, InterruptedException {
        Objects.requireNonNull(access, "access");
        RemoteRepository remote = access.open(ref, "pull", events);
        RemoteRepository.Manifest m = remote.manifest(ref.manifestKey(), ACCEPT);
        return new RegistryImage(remote, m, ManifestCheck.verify(ref, m));
    }

    /** The reference's manifest bytes (an image manifest or an index). */
    public byte[] manifest() {
        return manifest.bytes().clone();
    }

    /** A media type's grammar (RFC 6838): type/subtype, restricted names. */
    private static final java.util.regex.Pattern MEDIA_TYPE = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    /**
     * Its media type, as the registry labelled it, without parameters; a label that is not a
     * media type (RFC 6838's names) is taken as none, which the layout's reader refuses.
     */
    public String mediaType() {
        return mediaType(manifest.mediaType());
    }

    /** {@code contentType}'s media type, without parameters; empty when it is not one. */
    static String mediaType(String contentType) {
        String type = contentType.split(";")[0].trim();
        return MEDIA_TYPE.matcher(type).matches() ? type : "";
    }

    /** The SHA-256 of {@link #manifest()}. */
    public Sha256 digest() {
        return digest;
    }

    /** A blob's bytes, unchecked; a read that waits {@link StallBound#DEFAULT} for a byte fails. */
    public InputStream blob(Sha256 blob) throws JcapException, InterruptedException {
        return new StallBound(remote.openBlob(blob), StallBound.DEFAULT, "blob sha256:" + blob.hex());
    }

    /** A manifest named by digest in an index, unchecked. */
    public byte[] manifest(Sha256 nested) throws JcapException, InterruptedException {
        return remote.manifest("sha256:" + nested.hex(), ACCEPT).bytes();
    }
}
