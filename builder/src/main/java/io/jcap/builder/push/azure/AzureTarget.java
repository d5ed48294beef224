package io.jcap.builder.push.azure;

import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.jcap.builder.push.FileSums;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.TargetOption;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.formats.vhd.FixedVhd;
import io.jcap.host.Cleanup;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pushes an image to an Azure storage account as a fixed VHD in a page blob ({@code NAME.vhd} in
 * the container given): the blob is created at the VHD's length, only the pages holding data are
 * written, read straight from the stored qcow2, then the footer. The blob carries the metadata
 * {@code jcap_state=uploading} until it is complete, so that a push killed half-way is known as
 * such and replaced by the next push of the name; any other failure, Ctrl-C and SIGTERM included,
 * deletes it ({@link HalfWrittenBlob}). With
 * {@code --resource-group}, a managed image is then made from the blob ({@link ImageStep}).
 *
 * <pre>{@code
 * PushResult r = new AzureTarget().push(PushRequest.of(image, "azure")
 *         .withOption("storage-account", "myaccount").withOption("container", "vhds"), events);
 * r.remoteId();   // https://myaccount.blob.core.windows.net/vhds/hello.vhd
 * }</pre>
 */
public final class AzureTarget implements PushTarget {
    /** Page writes in flight at once. */
    static final int PARALLEL_WRITES = 4;
    private static final String STATE = "jcap_state";
    private static final String UPLOADING = "uploading";
    /** The VHD footer's epoch: 2000-01-01T00:00:00Z. */
    private static final long VHD_EPOCH = 946_684_800L;

    private final Map<String, String> env;
    /** The Resource Manager of every push (a test's stand-in); null: the one of the push's {@code --cloud}. */
    private final String armEndpoint;
    /** The HTTP client of Resource Manager calls and their tokens; null: azure-core's default, made when needed. */
    private final HttpClient armHttp;

    /** The target with this process's environment (what {@code ServiceLoader} makes). */
    public AzureTarget() {
        this(System.getenv());
    }

    AzureTarget(Map<String, String> env) {
        this(env, null, null);
    }

    /** A target whose managed images are made through the Resource Manager at {@code armEndpoint} with {@code armHttp}. */
    AzureTarget(Map<String, String> env, String armEndpoint, HttpClient armHttp) {
        this.env = Map.copyOf(env);
        this.armEndpoint = armEndpoint;
        this.armHttp = armHttp;
    }

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public String summary() {
        return "an Azure storage account: a fixed VHD in a page blob (data pages only), and a managed image"
                + " from it with --resource-group; credentials from AZURE_STORAGE_* or DefaultAzureCredential";
    }

    @Override
    public List<TargetOption> options() {
        return List.of(new TargetOption("storage-account", false, "NAME: the storage account (default: AZURE_STORAGE_ACCOUNT,"
                        + " or the connection string's)"),
                new TargetOption("container", false, "NAME: the blob container the VHD goes into (required)"),
                new TargetOption("resource-group", false, "NAME: also make a managed image from the blob in this resource"
                        + " group"),
                new TargetOption("location", false, "REGION: the managed image's region, the storage account's (westeurope)"),
                new TargetOption("image-name", false, "NAME: the managed image's name (default: --name, or the image's)"),
                new TargetOption("hyper-v-generation", false, "V1|V2: V2 (UEFI) for images that boot under UEFI, else V1"),
                new TargetOption("subscription", false, "ID: the managed image's subscription (default:"
                        + " AZURE_SUBSCRIPTION_ID)"),
                new TargetOption("cloud", false, "NAME: AzureCloud (the default), AzureUSGovernment or AzureChinaCloud,"
                        + " as az cloud list names them: their storage, sign-in and Resource Manager endpoints"));
    }

    /** What a request asks for, checked before anything is contacted. */
    record Plan(AzureCloud cloud, StorageAccess access, String container, String blob, Optional<ManagedImagePlan> image,
            String armEndpoint) {
        String url() {
            return access.blobEndpoint() + "/" + container + "/" + blob;
        }
    }

    Plan plan(PushRequest request) throws JcapException {
        io.jcap.builder.push.CloudKernels.requireCloudDrivers(request, "Azure");
        request.checkOptionsOf(this);
        request.requireDeviceDrivers("Azure");
        String container = request.option("container").orElseThrow(() -> JcapException.usage(
                "target azure needs --container NAME: the blob container the VHD goes into"));
        if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
            throw JcapException.usage("--container '" + container + "' is not a blob container name: 3 to 63 lower-case"
                    + " letters, digits and single hyphens, starting and ending with a letter or digit");
        }
        String blob = request.remoteName() + ".vhd";
        if (blob.length() > 1024 || blob.startsWith("/")) {
            throw JcapException.usage("--name '" + request.remoteName() + "' makes no blob name: at most 1020 characters,"
                    + " not starting with '/'");
        }
        Optional<ManagedImagePlan> managed = ManagedImagePlan.of(request, env);
        AzureCloud cloud = AzureCloud.of(request.option("cloud"));
        return new Plan(cloud, StorageAccess.resolve(request.option("storage-account"), env, cloud), container, blob, managed,
                armEndpoint != null ? armEndpoint : cloud.resourceManager());
    }

    @Override
    public List<String> dryRun(PushRequest request) throws JcapException {
        Plan plan = plan(request);
        var image = request.image();
        FixedVhd vhd = vhdOf(request, image.metadata().virtualSize());
        List<String> lines = new ArrayList<>(List.of("would push " + image.file() + " (" + image.metadata().diskSize()
                        + " bytes, sha256 " + image.metadata().imageSha256() + ")",
                "as a fixed VHD of " + vhd.fileSize() + " bytes (the disk rounded up to a whole MiB, and the footer),"
                        + " writing only the pages that hold data, " + PARALLEL_WRITES + " at a time",
                "to page blob " + plan.url() + " with " + plan.access().source(),
                request.replace() ? "replacing a blob of that name"
                        : "refusing if the container has a blob of that name (--replace replaces it)"));
        plan.image().ifPresent(managed -> lines.addAll(ImageStep.dryRun(managed, plan.url(), plan.armEndpoint(),
                request.replace())));
        return lines;
    }

    @Override
    public PushResult push(PushRequest request, EventSink events) throws JcapException, InterruptedException {
        long start = System.nanoTime();
        Plan plan = plan(request);
        StorageAccess access = plan.access();
        var image = request.image();
        BlobContainerClient container;
        PageBlobClient blob;
        try {
            container = access.clientBuilder()
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 4, Duration.ofMinutes(5),
                            Duration.ofMillis(500), Duration.ofSeconds(8), null))
                    .buildClient().getBlobContainerClient(plan.container());
            blob = container.getBlobClient(plan.blob()).getPageBlobClient();
        } catch (RuntimeException e) {
            throw AzureFailures.of(e, access, "connect");
        }
        Optional<ImageStep> imageStep = plan.image().isEmpty() ? Optional.empty() : Optional.of(ImageStep.check(
                plan.image().get(), ManagedImages.connect(env, plan.armEndpoint(),
                        armHttp == null ? HttpClient.createDefault() : armHttp, plan.cloud()),
                request.replace()));
        try (Qcow2Image disk = Qcow2Image.open(image.file())) {
            FixedVhd vhd = vhdOf(request, disk.virtualSize());
            boolean replaced = checkName(plan, container, blob, request.replace(), events);
            create(plan, blob, vhd, request);
            events.info("Created page blob " + plan.url() + " (" + vhd.fileSize() + " bytes)");
            PageBlobUpload.Sent sent;
            FileSums sums = FileSums.start(image.file());
            HalfWrittenBlob halfWritten = new HalfWrittenBlob(blob, plan, events);
            // The registration stays until the failure path's delete has ended: a Ctrl-C during that
            // delete makes the hook wait for the same one rather than end the JVM under it.
            try (Cleanup.Registration r = Cleanup.register("delete page blob " + plan.url(), halfWritten::delete)) {
                boolean done = false;
                try {
                    long uploadStart = System.nanoTime();
                    try {
                        sent = new PageBlobUpload(blob, disk, vhd, PARALLEL_WRITES).run(events, "Uploading "
                                + image.metadata().name());
                    } catch (RuntimeException e) {
                        throw AzureFailures.of(e, access, "write pages of " + plan.blob());
                    }
                    long nanos = Math.max(1, System.nanoTime() - uploadStart);
                    events.info(String.format(Locale.ROOT, "Uploaded %d bytes in %d page writes in %.2f s (%.1f MB/s); the"
                            + " VHD is %d bytes", sent.bytes(), sent.writes(), nanos / 1e9, sent.bytes() * 1000.0 / nanos,
                            vhd.fileSize()));
                    FileSums.Sums local = sums.awaitUnchanged(image.metadata().imageSha256());
                    try {
                        blob.setMetadata(Map.of("jcap_image", image.metadata().name(), "jcap_digest",
                                image.metadata().imageSha256().hex()));
                    } catch (RuntimeException e) {
                        throw AzureFailures.of(e, access, "set the metadata of " + plan.blob());
                    }
                    List<String> gone = new ArrayList<>(replaced ? List.of(plan.url()) : List.of());
                    String id = plan.url();
                    String remoteName = plan.blob();
                    if (imageStep.isPresent()) {
                        id = imageStep.get().make(plan.url(), Map.of("jcap_image", image.metadata().name(), "jcap_digest",
                                image.metadata().imageSha256().hex()), events);
                        remoteName = plan.image().get().name();
                        imageStep.get().replaced().ifPresent(gone::add);
                    }
                    r.release();
                    done = true;
                    return new PushResult(name(), id, remoteName, sent.bytes(), local.sha256(),
                            Duration.ofNanos(System.nanoTime() - start), gone);
                } finally {
                    if (!done) {
                        sums.stop();
                        halfWritten.delete();
                    }
                }
            }
        }
    }

    /**
     * Refuses an existing blob of the name without {@code --replace}, except one an earlier push
     * left half-written, which goes.
     *
     * @return whether an older complete blob of the name is being replaced
     */
    private static boolean checkName(Plan plan, BlobContainerClient container, PageBlobClient blob, boolean replace,
                                     EventSink events) throws JcapException {
        try {
            if (!container.exists()) {
                throw new JcapException("storage account '" + plan.access().account() + "' has no container '"
                        + plan.container() + "': create it first (az storage container create --name " + plan.container() + ")");
            }
            if (!blob.exists()) {
                return false;
            }
            BlobProperties properties = blob.getProperties();
            if (UPLOADING.equals(properties.getMetadata().get(STATE))) {
                events.info("Deleting " + plan.url() + ", a blob an earlier push left half-written");
                blob.delete();
                return false;
            }
            if (!replace) {
                throw new JcapException("container '" + plan.container() + "' has a blob named '" + plan.blob()
                        + "' already (" + properties.getBlobSize() + " bytes, last modified " + properties.getLastModified()
                        + "); push with --replace to replace it, or pick another --name");
            }
            return true;
        } catch (RuntimeException e) {
            throw AzureFailures.of(e, plan.access(), "look up " + plan.blob());
        }
    }

    private static void create(Plan plan, PageBlobClient blob, FixedVhd vhd, PushRequest request) throws JcapException {
        try {
            blob.createWithResponse(vhd.fileSize(), 0L, null,
                    Map.of(STATE, UPLOADING, "jcap_image", request.image().metadata().name()),
                    request.replace() ? null : new BlobRequestConditions().setIfNoneMatch("*"), null, null);
        } catch (RuntimeException e) {
            throw AzureFailures.of(e, plan.access(), "create page blob " + plan.blob());
        }
    }

    /** The VHD of the image: its unique ID from the image's digest and its time the image's, so that a push is repeatable. */
    private static FixedVhd vhdOf(PushRequest request, long virtualSize) {
        return vhdOf(request.image().metadata(), virtualSize);
    }

    private static FixedVhd vhdOf(io.jcap.builder.repository.ImageMetadata metadata, long virtualSize) {
        byte[] id = HexFormat.of().parseHex(metadata.imageSha256().hex().substring(0, 32));
        Instant created = metadata.created();
        return FixedVhd.of(virtualSize, id, Math.max(0, created.getEpochSecond() - VHD_EPOCH));
    }

    /** Writes the VHD a push of {@code image} sends, as a local (sparse) file {@code out}. */
    static void writeVhd(io.jcap.builder.repository.ImageRepository.StoredImage image, java.nio.file.Path out)
            throws JcapException {
        try (Qcow2Image disk = Qcow2Image.open(image.file())) {
            vhdOf(image.metadata(), disk.virtualSize()).write(disk, out);
        }
    }
}
