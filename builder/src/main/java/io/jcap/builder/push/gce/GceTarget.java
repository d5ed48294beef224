package io.jcap.builder.push.gce;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.push.FileSums;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.Secret;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.TargetOption;
import io.jcap.formats.gnutar.SparseTar;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.host.Cleanup;
import io.jcap.host.SystemTemp;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes an image to Google Compute Engine: {@code disk.raw} (the disk rounded up to a whole GiB,
 * as GCE requires) as a sparse member of a gzip'd GNU tar, uploaded to {@code gs://BUCKET} with a
 * resumable upload, then {@code images.insert} from it (the family, labels and guest OS features
 * {@code VIRTIO_SCSI_MULTIQUEUE} and {@code GVNIC}); the object is deleted afterwards unless
 * {@code keep-object}. An existing image of the name is refused without {@code --replace}, which
 * deletes it just before the insert (GCE image names are unique).
 *
 * <pre>{@code
 * new GceTarget().push(PushRequest.of(image, "gce").withOption("project", "p").withOption("bucket", "b"), events);
 * }</pre>
 */
public final class GceTarget implements PushTarget {
    private static final long GIB = 1L << 30;
    private static final String STORAGE = "https://storage.googleapis.com";
    private static final String COMPUTE = "https://compute.googleapis.com";

    private final Map<String, String> env;
    private final String compute;

    /** The target with this process's environment (what {@code ServiceLoader} makes). */
    public GceTarget() {
        this(System.getenv(), COMPUTE);
    }

    /** For tests: a Compute Engine endpoint of a stand-in, which Google's clients take in code, not from the environment. */
    GceTarget(Map<String, String> env, String compute) {
        this.env = Map.copyOf(env);
        this.compute = compute;
    }

    @Override
    public String name() {
        return "gce";
    }

    @Override
    public String summary() {
        return "a Google Compute Engine image from a sparse disk.raw tar.gz in Cloud Storage, Application Default"
                + " Credentials";
    }

    @Override
    public List<TargetOption> options() {
        return List.of(new TargetOption("project", false, "ID: the Google Cloud project (required)"),
                new TargetOption("bucket", false, "NAME: the Cloud Storage bucket the tar.gz goes through (required)"),
                new TargetOption("family", false, "NAME: the image family"),
                new TargetOption("label", true, "KEY=VALUE: an image label, more than once"),
                new TargetOption("keep-object", false, "keep the tar.gz in the bucket after the image is made"));
    }

    /** What a request asks for, checked before anything is contacted. */
    record Plan(String project, String bucket, String object, Map<String, String> labels, String storage) {
    }

    Plan plan(PushRequest request) throws JcapException {
        io.jcap.builder.push.CloudKernels.requireCloudDrivers(request, "GCE");
        request.checkOptionsOf(this);
        request.requireDeviceDrivers("Compute Engine");
        String project = request.option("project").orElseThrow(() -> JcapException.usage(
                "target gce needs --project ID: the Google Cloud project the image goes into"));
        String bucket = request.option("bucket").orElseThrow(() -> JcapException.usage(
                "target gce needs --bucket NAME: the Cloud Storage bucket the disk goes through"));
        String name = request.remoteName();
        String rule = "[a-z]([-a-z0-9]{0,61}[a-z0-9])?";
        if (!name.matches(rule)) {
            throw JcapException.usage("--name '" + name + "' is not a GCE image name: lower-case letters, digits and"
                    + " hyphens, at most 63, starting with a letter");
        }
        if (request.option("family").isPresent() && !request.option("family").get().matches(rule)) {
            throw JcapException.usage("--family '" + request.option("family").get() + "' is not a GCE family name:"
                    + " lower-case letters, digits and hyphens, at most 63, starting with a letter");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("jcap-image", request.image().metadata().name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-"));
        for (String label : request.optionValues("label")) {
            int eq = label.indexOf('=');
            if (eq <= 0 || !label.substring(0, eq).matches("[a-z][a-z0-9_-]{0,62}")
                    || !label.substring(eq + 1).matches("[a-z0-9_-]{0,63}")) {
                throw JcapException.usage("--label '" + label + "' is not KEY=VALUE of lower-case letters, digits, '_'"
                        + " and '-' (a key starts with a letter)");
            }
            labels.put(label.substring(0, eq), label.substring(eq + 1));
        }
        String emulator = env.get("STORAGE_EMULATOR_HOST");
        String storage = emulator == null || emulator.isBlank() ? STORAGE
                : (emulator.startsWith("http") ? emulator : "http://" + emulator).replaceAll("/+$", "");
        return new Plan(project, bucket, name + ".tar.gz", labels, storage);
    }

    @Override
    public List<String> dryRun(PushRequest request) throws JcapException {
        Plan plan = plan(request);
        var image = request.image();
        return List.of("would push " + image.file() + " (" + image.metadata().diskSize() + " bytes, sha256 "
                        + image.metadata().imageSha256() + ")",
                "as disk.raw of " + rawSize(image.metadata().virtualSize()) + " bytes, a sparse member of a gzip'd GNU"
                        + " tar, uploaded to gs://" + plan.bucket() + "/" + plan.object() + " at " + plan.storage(),
                "then image '" + request.remoteName() + "' in project " + plan.project() + " at " + compute
                        + request.option("family").map(f -> ", family " + f).orElse("") + ", labels " + plan.labels()
                        + ", with " + GceCredentials.source(env),
                request.replace() ? "deleting an image of that name first" : "refusing if the project has an image"
                        + " named '" + request.remoteName() + "' (--replace replaces it)");
    }

    @Override
    public PushResult push(PushRequest request, EventSink events) throws JcapException, InterruptedException {
        long start = System.nanoTime();
        Plan plan = plan(request);
        var image = request.image();
        Secret token = GceCredentials.token(env);
        GoogleApis apis = new GoogleApis(new GoogleHttp(token), URI.create(plan.storage()), URI.create(compute));
        String name = request.remoteName();
        boolean exists = apis.image(plan.project(), name).isPresent();
        if (exists && !request.replace()) {
            throw new JcapException("project '" + plan.project() + "' has an image named '" + name + "' already; push"
                    + " with --replace to replace it, or pick another --name");
        }
        Path tar = null;
        FileSums sums = FileSums.start(image.file());
        boolean uploaded = false;
        try {
            tar = Files.createTempFile(SystemTemp.folder(), "jcap-gce-", ".tar.gz");
            long started = System.nanoTime();
            try (Qcow2Image disk = Qcow2Image.open(image.file());
                 OutputStream out = new GZIPOutputStream(Files.newOutputStream(tar), 1 << 16) {
                     { def.setLevel(Deflater.BEST_SPEED); }
                 }) {
                SparseTar.write(disk, "disk.raw", rawSize(disk.virtualSize()), out);
            }
            long size = Files.size(tar);
            events.info(String.format(Locale.ROOT, "Wrote disk.raw's tar.gz, %d bytes, in %.2f s", size,
                    (System.nanoTime() - started) / 1e9));
            started = System.nanoTime();
            uploaded = true;
            try (Cleanup.Registration r = Cleanup.register("delete gs://" + plan.bucket() + "/" + plan.object(),
                    () -> deleteQuietly(apis, plan))) {
                apis.upload(plan.bucket(), plan.object(), tar, events, "Uploading " + image.metadata().name());
                long nanos = Math.max(1, System.nanoTime() - started);
                events.info(String.format(Locale.ROOT, "Uploaded %d bytes in %.2f s (%.1f MB/s)", size, nanos / 1e9,
                        size * 1000.0 / nanos));
                FileSums.Sums local = sums.awaitUnchanged(image.metadata().imageSha256());
                List<String> replaced = new ArrayList<>();
                if (exists) {
                    apis.deleteImage(plan.project(), name);
                    replaced.add("projects/" + plan.project() + "/global/images/" + name);
                    events.info("Deleted the older image " + name);
                }
                apis.insertImage(plan.project(), imageBody(request, plan));
                events.info("Made image projects/" + plan.project() + "/global/images/" + name);
                if (!request.option("keep-object").isPresent()) {
                    apis.deleteObject(plan.bucket(), plan.object());
                }
                uploaded = false;
                r.release();
                return new PushResult(name(), "projects/" + plan.project() + "/global/images/" + name, name, size,
                        local.sha256(), Duration.ofNanos(System.nanoTime() - start), replaced);
            }
        } catch (IOException e) {
            throw new JcapException("cannot write or read the tar.gz of " + image.file() + ": " + e.getMessage(), e);
        } finally {
            sums.stop();
            if (uploaded) {
                deleteQuietly(apis, plan);
            }
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException ignored) {
                    // a temp file the system's cleaning removes
                }
            }
        }
    }

    private static ObjectNode imageBody(PushRequest request, Plan plan) {
        ObjectNode body = GoogleHttp.JSON.createObjectNode().put("name", request.remoteName())
                .put("description", "jcap image " + request.image().metadata().name() + ", sha256 "
                        + request.image().metadata().imageSha256().hex());
        request.option("family").ifPresent(f -> body.put("family", f));
        body.putObject("rawDisk").put("source", "https://storage.googleapis.com/" + plan.bucket() + "/" + plan.object());
        var features = body.putArray("guestOsFeatures");
        features.addObject().put("type", "VIRTIO_SCSI_MULTIQUEUE");
        features.addObject().put("type", "GVNIC");
        if (request.image().metadata().bootsUnderUefi()) {
            // Lets Compute Engine boot it on UEFI machine types (Shielded VMs) as well as by BIOS.
            features.addObject().put("type", "UEFI_COMPATIBLE");
        }
        var labels = body.putObject("labels");
        plan.labels().forEach(labels::put);
        return body;
    }

    static long rawSize(long virtualSize) {
        return Math.max(1, (virtualSize + GIB - 1) / GIB) * GIB;
    }

    private static void deleteQuietly(GoogleApis apis, Plan plan) {
        try {
            apis.deleteObject(plan.bucket(), plan.object());
        } catch (JcapException e) {
            // The push fails with its own reason; the object is the user's to delete.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
