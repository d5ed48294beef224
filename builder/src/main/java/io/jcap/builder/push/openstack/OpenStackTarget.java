package io.jcap.builder.push.openstack;

import io.jcap.builder.push.FileSums;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.TargetOption;
import io.jcap.host.Cleanup;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Pushes an image into an OpenStack cloud's Glance: authenticate with Keystone, create the image,
 * stream its qcow2 file, wait until it is {@code active}, compare size and SHA-512, and delete it
 * again on any failure. Older images of the name go only with {@code --replace}, once the new one
 * is active.
 *
 * <pre>{@code
 * PushResult r = new OpenStackTarget().push(PushRequest.of(image, "openstack").withOption("cloud", "mine"), events);
 * }</pre>
 */
public final class OpenStackTarget implements PushTarget {
    private static final Duration ACTIVE_BOUND = Duration.ofMinutes(5);

    private final CloudCredentials credentials;

    /** The target with this process's environment and the usual clouds.yaml folders (what {@code ServiceLoader} makes). */
    public OpenStackTarget() {
        this(CloudCredentials.ofHost(System.getenv()));
    }

    OpenStackTarget(CloudCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return "openstack";
    }

    @Override
    public String summary() {
        return "an OpenStack cloud's image service (Keystone v3 + Glance v2), credentials from clouds.yaml or OS_*";
    }

    @Override
    public List<TargetOption> options() {
        return List.of(new TargetOption("cloud", false, "the cloud of clouds.yaml (default: OS_CLOUD, else OS_* variables)"),
                new TargetOption("visibility", false, "private (default), shared, community or public"),
                new TargetOption("property", true, "KEY=VALUE: an image property, more than once"));
    }

    @Override
    public List<String> dryRun(PushRequest request) throws JcapException {
        request.checkOptionsOf(this);
        CloudConfig cloud = credentials.resolve(request.option("cloud"));
        GlanceImage image = GlanceImage.of(request);
        var file = request.image();
        return List.of("would push " + file.file() + " (" + file.metadata().diskSize() + " bytes, sha256 "
                        + file.metadata().imageSha256() + ")",
                "to the " + cloud.endpointInterface() + " image service" + cloud.region().map(r -> " of region " + r).orElse("")
                        + " in the catalog of Keystone at " + cloud.authUrl() + " (" + cloud.auth().who() + ", " + cloud.source() + ")",
                "as a Glance image " + image.fields().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", ")),
                request.replace() ? "replacing older images named '" + request.remoteName() + "' once it is active"
                        : "refusing if the project has an image named '" + request.remoteName() + "' (--replace replaces it)");
    }

    @Override
    public PushResult push(PushRequest request, EventSink events) throws JcapException, InterruptedException {
        long start = System.nanoTime();
        request.checkOptionsOf(this);
        CloudConfig cloud = credentials.resolve(request.option("cloud"));
        GlanceImage record = GlanceImage.of(request);
        if (cloud.insecure()) {
            events.warn("TLS certificates of " + cloud.authUrl() + " and its services are not verified (insecure in "
                    + cloud.source() + ")");
        }
        OpenStackHttp http = new OpenStackHttp(cloud);
        Keystone.Session session = Keystone.authenticate(http, cloud);
        Glance glance = new Glance(http, session.endpoint("image", cloud), session.token());
        events.debug("Glance at " + glance.endpoint() + ", project " + session.projectName() + " (" + session.projectId() + ")");
        String name = request.remoteName();
        List<Glance.RemoteImage> older = new ArrayList<>();
        for (Glance.RemoteImage existing : glance.named(name, session.projectId())) {
            if (existing.jcap() && existing.status().equals("queued")) {
                events.info("Deleting " + existing.id() + ", an image named '" + name + "' an earlier push left without data");
                glance.delete(existing.id());
            } else {
                older.add(existing);
            }
        }
        if (!older.isEmpty() && !request.replace()) {
            throw new JcapException("project '" + session.projectName() + "' has an image named '" + name + "' already: "
                    + older.stream().map(Glance.RemoteImage::id).collect(Collectors.joining(", "))
                    + "; push with --replace to replace it, or pick another --name");
        }
        Glance.RemoteImage created = glance.create(record.json());
        events.info("Created Glance image " + created.id() + " (" + name + ")");
        Uploaded uploaded;
        try (Cleanup.Registration r = Cleanup.register("delete Glance image " + created.id(),
                () -> deleteOrWarn(glance, created.id(), events))) {
            uploaded = upload(request, glance, created, events);
            r.release();
        }
        List<String> replaced = new ArrayList<>();
        for (Glance.RemoteImage old : older) {
            try {
                glance.delete(old.id());
                replaced.add(old.id());
                events.info("Deleted the older image " + old.id() + " named '" + name + "'");
            } catch (JcapException e) {
                // The new image is there and active: the push succeeded, the clean-up is the user's.
                events.warn("the older image " + old.id() + " named '" + name + "' stays: " + e.getMessage());
            }
        }
        return new PushResult(name(), created.id(), name, uploaded.bytes(), uploaded.sha256(),
                Duration.ofNanos(System.nanoTime() - start), replaced);
    }

    private record Uploaded(long bytes, io.jcap.model.Sha256 sha256) {
    }

    /** Uploads, waits until active and checks; deletes the image on any failure, Ctrl-C included. */
    private static Uploaded upload(PushRequest request, Glance glance, Glance.RemoteImage created, EventSink events)
            throws JcapException, InterruptedException {
        boolean done = false;
        try {
            var file = request.image().file();
            FileSums sums = FileSums.start(file);
            long sent;
            long started = System.nanoTime();
            try {
                sent = glance.upload(created.id(), file, events, "Uploading " + request.image().metadata().name());
            } catch (JcapException | IOException | RuntimeException e) {
                sums.stop();
                throw e;
            }
            long nanos = Math.max(1, System.nanoTime() - started);
            events.info(String.format(Locale.ROOT, "Uploaded %d bytes in %.2f s (%.1f MB/s)", sent, nanos / 1e9,
                    sent * 1000.0 / nanos));
            FileSums.Sums local = sums.awaitUnchanged(request.image().metadata().imageSha256());
            Glance.RemoteImage active = awaitActive(glance, created.id());
            if (active.size() != sent) {
                throw new JcapException("Glance stored " + active.size() + " bytes of image " + created.id() + ", but "
                        + sent + " were sent from " + file);
            }
            if (!active.hash().equalsIgnoreCase(local.sha512())) {
                throw new JcapException("Glance's SHA-512 of image " + created.id() + " is " + active.hash()
                        + ", but that of " + file + " is " + local.sha512());
            }
            done = true;
            return new Uploaded(sent, local.sha256());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new JcapException("image file " + request.image().file() + " is gone: build the image again", e);
        } catch (IOException e) {
            throw new JcapException("cannot read " + request.image().file() + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                events.info("Deleting the half-pushed image " + created.id());
                deleteOrWarn(glance, created.id(), events);
            }
        }
    }

    private static Glance.RemoteImage awaitActive(Glance glance, String id) throws JcapException, InterruptedException {
        long deadline = System.nanoTime() + ACTIVE_BOUND.toNanos();
        while (true) {
            Glance.RemoteImage image = glance.get(id);
            switch (image.status()) {
                case "active":
                    return image;
                case "killed", "deleted", "pending_delete", "deactivated":
                    throw new JcapException("Glance image " + id + " became " + image.status() + " instead of active");
                default:
                    if (System.nanoTime() > deadline) {
                        throw new JcapException("Glance image " + id + " is still " + image.status() + " after "
                                + ACTIVE_BOUND.toMinutes() + " minutes; it should be active once its data is stored");
                    }
                    Thread.sleep(200);
            }
        }
    }

    /**
     * Deletes a half-pushed image; when Glance cannot (it died, the network is gone) the push fails
     * with its own reason, and the image left is named: only one left queued (without data) is
     * deleted by the next push of the name, one left saving is not.
     */
    private static void deleteOrWarn(Glance glance, String id, EventSink events) {
        try {
            glance.delete(id);
        } catch (JcapException e) {
            events.warn("the half-pushed Glance image " + id + " may be left (" + e.getMessage() + "): delete it with"
                    + " 'openstack image delete " + id + "'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
