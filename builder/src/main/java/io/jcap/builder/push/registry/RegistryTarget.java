package io.jcap.builder.push.registry;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.TargetOption;
import io.jcap.builder.registry.DockerConfig;
import io.jcap.builder.registry.ImageReference;
import io.jcap.builder.registry.KubeVirtManifest;
import io.jcap.builder.registry.RegistryAccess;
import io.jcap.builder.registry.RegistryPush;
import io.jcap.builder.registry.RegistryTls;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code jcap push IMAGE REGISTRY/REPOSITORY[:TAG]}: the image as a KubeVirt containerDisk in an
 * OCI registry (docs/registries.md). Any destination with a '/' is a registry reference.
 */
public final class RegistryTarget implements PushTarget {
    private final DockerConfig credentials;

    /** The target with the process's credential files, as {@link java.util.ServiceLoader} makes it. */
    public RegistryTarget() {
        this(DockerConfig.fromEnvironment());
    }

    RegistryTarget(DockerConfig credentials) {
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public boolean accepts(String destination) {
        return ImageReference.isReference(destination);
    }

    @Override
    public String destination() {
        return "REGISTRY/REPOSITORY[:TAG]";
    }

    @Override
    public String summary() {
        return "an OCI registry as a KubeVirt containerDisk: give REGISTRY/REPOSITORY[:TAG] as TARGET";
    }

    @Override
    public List<TargetOption> options() {
        return List.of(new TargetOption("cert-dir", false, "a folder of CA certificates (*.crt) to trust, as skopeo's"),
                new TargetOption("insecure", false, "allow plain HTTP to a registry not on this machine"),
                new TargetOption("kubevirt-manifest", false, "also write a KubeVirt VirtualMachine booting the pushed image"));
    }

    @Override
    public List<String> dryRun(PushRequest request) throws JcapException {
        request.checkOptionsOf(this);
        ImageReference ref = reference(request);
        List<String> lines = new ArrayList<>();
        lines.add("Would push " + request.image().file() + " (" + request.image().metadata().diskSize() + " bytes) to "
                + ref.registry() + " as " + ref.repository() + ":" + ref.tag().orElse("latest")
                + ", a containerDisk (disk/image.qcow2 owned 107:107) with a layer per file beside it");
        lines.add(credentials.credentialFor(ref.registry()).map(c -> "Credentials: user '" + c.user() + "' from " + c.source())
                .orElse("Credentials: none for " + ref.registry() + " in " + credentials.files() + " (anonymous)"));
        Optional<String> manifest = request.option("kubevirt-manifest");
        if (manifest.isPresent()) {
            KubeVirtManifest.checkWritable(Path.of(manifest.get()));
            lines.add("Would write a KubeVirt VirtualMachine to " + manifest.get());
        }
        return lines;
    }

    @Override
    public PushResult push(PushRequest request, EventSink events) throws JcapException, InterruptedException {
        request.checkOptionsOf(this);
        ImageReference ref = reference(request);
        Optional<String> manifest = request.option("kubevirt-manifest");
        if (manifest.isPresent()) {
            // Before anything is sent: a push that moved the tag and then failed would say it failed.
            KubeVirtManifest.checkWritable(Path.of(manifest.get()));
        }
        long start = System.nanoTime();
        RegistryPush.Outcome out = new RegistryPush(access(request), request.jcapVersion()).push(request.image(), ref, events);
        events.info(out.summary());
        if (manifest.isPresent()) {
            Path file = KubeVirtManifest.write(Path.of(manifest.get()), out.pushed(), request.image().metadata());
            events.info("Wrote a KubeVirt VirtualMachine to " + file + " (kubectl apply -f " + file + ")");
        }
        return new PushResult(name(), out.pushed().toString(), out.pushed().name(), out.bytesSent(), out.manifestDigest(),
                Duration.ofNanos(System.nanoTime() - start), List.of());
    }

    /**
     * The reference, which names the image at the registry: a {@code --name} other than the image's
     * own would be ignored, so it is refused. {@code --replace} needs no check: a registry moves a
     * tag to the new manifest, as {@code docker push} does, and the older manifest stays reachable
     * by its digest.
     */
    private static ImageReference reference(PushRequest request) throws JcapException {
        if (!request.remoteName().equals(request.image().metadata().name())) {
            throw JcapException.usage("--name does not apply to a registry push: the reference " + request.target()
                    + " names the image there; put '" + request.remoteName() + "' in the reference instead, as in "
                    + "REGISTRY/" + request.remoteName() + ":TAG");
        }
        try {
            return ImageReference.parse(request.target());
        } catch (IllegalArgumentException e) {
            throw JcapException.usage(e.getMessage(), e);
        }
    }

    private RegistryAccess access(PushRequest request) {
        Optional<Path> certDir = request.option("cert-dir").map(Path::of);
        boolean insecure = request.option("insecure").map(Boolean::parseBoolean).orElse(false);
        return new RegistryAccess(credentials, new RegistryTls(certDir, insecure));
    }
}
