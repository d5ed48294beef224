package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageMetadataJson;
import io.jcap.builder.repository.ImageName;
import io.jcap.builder.repository.ImageOrigin;
import io.jcap.builder.repository.BuildLock;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.qcow2.Qcow2Header;
import io.jcap.host.TempFiles;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Pulls a jcap image from a registry into the repository. A registry is untrusted input: the
 * manifest's digest is checked against the reference's (or the registry's own claim), every blob
 * against the manifest's digest and size as it streams, the disk against the record's SHA-256, and
 * a qcow2 naming a backing or external data file is refused. Everything lands in a staging folder
 * that is committed only once all checks passed, so a failed or killed pull leaves no image.
 *
 * <pre>{@code
 * StoredImage hello = new RegistryPull(RegistryAccess.fromEnvironment(), repository)
 *         .pull(ImageReference.parse("127.0.0.1:5000/hello:1"), Optional.empty(), events);
 * }</pre>
 */
public final class RegistryPull {
    private final RegistryAccess access;
    private final ImageRepository repository;

    public RegistryPull(RegistryAccess access, ImageRepository repository) {
        this.access = Objects.requireNonNull(access, "access");
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /**
     * Pulls {@code ref} and stores it as {@code name} (default: the repository's last part). An
     * image of that name that was not pulled from the same repository is left alone: an error.
     *
     * @throws JcapException exit code 1 when the registry refuses or what it sent fails a check, 3 when unreachable
     */
    public ImageRepository.StoredImage pull(ImageReference ref, Optional<String> name, EventSink events)
            throws JcapException, InterruptedException {
        String localName = name.orElse(ref.shortName());
        try {
            ImageName.check(localName);
        } catch (IllegalArgumentException e) {
            throw new JcapException(e.getMessage() + ": pull " + ref + " with --name NAME", ExitCode.USAGE, e);
        }
        checkReplaceable(localName, ref);
        RemoteRepository remote = access.open(ref, "pull", events);
        RemoteRepository.Manifest fetched = remote.manifest(ref.manifestKey());
        Sha256 manifestDigest = ManifestCheck.verify(ref, fetched);
        JsonNode manifest = ManifestCheck.parse(ref, fetched);
        ImageMetadata record = ManifestCheck.record(ref, manifest);
        Path staging = null;
        try {
            staging = TempFiles.register(repository.newStaging());
            BlobFetch fetch = new BlobFetch(remote, ref, events);
            fetch.config(manifest.path("config"));
            fetch.layers(manifest.path("layers"), staging);
            Path disk = staging.resolve(ImageRepository.IMAGE_FILE);
            Qcow2Header.requireSelfContained(disk, "disk of " + ref);
            Sha256 diskSha = StreamDigest.of(disk);
            if (!diskSha.equals(record.imageSha256()) || Files.size(disk) != record.diskSize()) {
                throw new JcapException("the disk of " + ref + " is not the one its record names (sha256 " + diskSha + ", "
                        + Files.size(disk) + " bytes; the record says " + record.imageSha256() + ", " + record.diskSize()
                        + " bytes): refused");
            }
            new ImageOrigin(ref.name(), manifestDigest, Instant.now()).writeInto(staging);
            ImageRepository.StoredImage stored;
            // Checked again, under the name's build lock: a build or another pull may have stored an
            // image of that name since the check before the download.
            try (BuildLock lock = repository.lockForBuild(localName)) {
                checkReplaceable(localName, ref);
                stored = repository.commit(staging, record.withName(localName));
            }
            TempFiles.forget(staging);
            staging = null;
            return stored;
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StallBound.Failed download) {
                    // The registry's side, not the repository's: exit 3, as when it cannot be reached.
                    throw new io.jcap.model.EnvironmentException(download.getMessage(), e);
                }
            }
            throw new JcapException("could not store the image pulled from " + ref + " in " + repository.dir() + ": "
                    + e.getMessage(), e);
        } finally {
            TempFiles.delete(staging);
        }
    }

    /**
     * The image of {@code ref} in the repository: one pulled from that repository and tag (and
     * digest when the reference pins one), pulled now when there is none.
     */
    public ImageRepository.StoredImage ensure(ImageReference ref, EventSink events) throws JcapException, InterruptedException {
        for (ImageRepository.StoredImage image : repository.list()) {
            Optional<ImageOrigin> origin = ImageOrigin.of(image);
            if (origin.isPresent() && ImageReference.parse(origin.get().reference()).sameRepository(ref)
                    && ref.digest().map(d -> d.equals(origin.get().manifestDigest()))
                            .orElse(origin.get().reference().equals(ref.name()))) {
                return image;
            }
        }
        ImageRepository.StoredImage pulled = pull(ref, Optional.of(nameForRun(ref, events)), events);
        // jcap pull prints its result itself; a run that pulls says so beside its boot lines.
        ImageOrigin origin = ImageOrigin.of(pulled).orElseThrow();
        events.info("Pulled " + origin.reference() + "@" + origin.digest() + " as " + pulled.metadata().name());
        return pulled;
    }

    /**
     * The local name a run's pull stores {@code ref} as: the repository's last part, or, when an
     * image of another origin has that name (one built here, say), the repository and tag as one
     * name ({@code team-web-1} for {@code registry/team/web:1}), said in a line; a run cannot take
     * {@code --name} for the image, as {@code jcap pull} does.
     */
    private String nameForRun(ImageReference ref, EventSink events) throws JcapException {
        String name = ref.shortName();
        Optional<String> taken = taken(name, ref);
        String derived = ImageName.from(ref.repository() + ref.tag().map(t -> "-" + t).orElse(""));
        if (taken.isEmpty() || derived.equals(name) || taken(derived, ref).isPresent()) {
            // Free, or no other name to take: the pull says what is in the way.
            return name;
        }
        events.info("Image '" + name + "' " + taken.get() + ": storing " + ref + " as " + derived);
        return derived;
    }

    private void checkReplaceable(String localName, ImageReference ref) throws JcapException {
        Optional<String> taken = taken(localName, ref);
        if (taken.isPresent()) {
            throw new JcapException("image '" + localName + "' " + taken.get() + ": pull " + ref + " with --name NAME,"
                    + " or remove it first with jcap rmi " + localName);
        }
    }

    /**
     * Why an image of that name may not be replaced by a pull of {@code ref} ("exists and was built
     * here"); empty when there is none, or it was pulled from the same repository.
     */
    private Optional<String> taken(String localName, ImageReference ref) throws JcapException {
        Optional<ImageRepository.StoredImage> existing;
        try {
            existing = repository.find(localName);
        } catch (JcapException broken) {
            return Optional.empty();
        }
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        Optional<ImageOrigin> origin = ImageOrigin.of(existing.get());
        if (origin.isEmpty() || !ImageReference.parse(origin.get().reference()).sameRepository(ref)) {
            return Optional.of("exists and " + origin.map(o -> "was pulled from " + o.reference())
                    .orElse("was built here"));
        }
        return Optional.empty();
    }
}
