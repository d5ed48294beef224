package io.jcap.builder.push.aws;

import io.jcap.builder.push.FileSums;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.TargetOption;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.host.Cleanup;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * Pushes an image to AWS as an AMI without S3 or an import task: an EBS snapshot written through
 * the EBS direct APIs with only the 512 KiB blocks that hold data, then {@code RegisterImage}
 * (HVM, root {@code /dev/xvda}, ENA, the boot mode, IMDSv2 only), tagged {@code jcap:image} and
 * {@code jcap:digest}. A failure deletes the snapshot; {@code --replace} deregisters the older AMIs
 * of the name just before the new one is registered (AMI names are unique in a region) and
 * deletes their snapshots once it is.
 *
 * <pre>{@code
 * PushResult r = new AwsTarget().push(PushRequest.of(image, "aws").withOption("region", "eu-west-1"), events);
 * r.remoteId();   // ami-0123... (snapshot snap-0abc...)
 * }</pre>
 */
public final class AwsTarget implements PushTarget {
    static final int PARALLEL_BLOCKS = 8;
    private static final long GIB = 1L << 30;
    private static final Duration COMPLETED_BOUND = Duration.ofMinutes(30);

    private final Map<String, String> env;
    private final Properties properties;

    /** The target with this process's environment and system properties (what {@code ServiceLoader} makes). */
    public AwsTarget() {
        this(System.getenv(), System.getProperties());
    }

    AwsTarget(Map<String, String> env, Properties properties) {
        this.env = Map.copyOf(env);
        this.properties = properties;
    }

    @Override
    public String name() {
        return "aws";
    }

    @Override
    public String summary() {
        return "an AWS AMI from an EBS snapshot written through the EBS direct APIs (data blocks only), the AWS"
                + " SDK's credential chain";
    }

    @Override
    public List<TargetOption> options() {
        return List.of(new TargetOption("region", false, "REGION: the AWS region (default: the SDK's, AWS_REGION or the profile's)"),
                new TargetOption("description", false, "TEXT: the AMI's description"),
                new TargetOption("boot-mode", false, "legacy-bios, uefi or uefi-preferred (the default for images"
                        + " whose disk boots under both; legacy-bios for the others)"),
                new TargetOption("tag", true, "KEY=VALUE: a tag of the AMI and its snapshot, more than once"));
    }

    /** What a request asks for, checked before anything is contacted. */
    record Plan(AwsAccess access, String description, String bootMode, Map<String, String> tags) {
    }

    Plan plan(PushRequest request) throws JcapException {
        io.jcap.builder.push.CloudKernels.requireCloudDrivers(request, "AWS");
        request.checkOptionsOf(this);
        request.requireDeviceDrivers("AWS");
        String name = request.remoteName();
        if (!name.matches("[A-Za-z0-9()\\[\\]./\\-'@_ ]{3,128}")) {
            throw JcapException.usage("--name '" + name + "' is not an AMI name: 3 to 128 letters, digits and ( ) [ ] . / - ' @ _"
                    + " or spaces");
        }
        boolean uefi = request.image().metadata().bootsUnderUefi();
        String bootMode = request.option("boot-mode").orElse(uefi ? "uefi-preferred" : "legacy-bios");
        if (!List.of("legacy-bios", "uefi", "uefi-preferred").contains(bootMode)) {
            throw JcapException.usage("--boot-mode '" + bootMode + "' is not a boot mode: use legacy-bios, uefi or"
                    + " uefi-preferred");
        }
        if (!uefi && !bootMode.equals("legacy-bios")) {
            throw JcapException.usage("--boot-mode " + bootMode + ": image '" + request.image().metadata().name()
                    + "' boots by BIOS only (an OSv image, or one an older jcap built): use legacy-bios");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("jcap:image", request.image().metadata().name());
        tags.put("jcap:digest", request.image().metadata().imageSha256().hex());
        for (String tag : request.optionValues("tag")) {
            int eq = tag.indexOf('=');
            if (eq <= 0 || tag.substring(0, eq).toLowerCase(Locale.ROOT).startsWith("aws:") || tag.startsWith("jcap:")) {
                throw JcapException.usage("--tag '" + tag + "' is not KEY=VALUE with a key of your own (aws: and jcap:"
                        + " keys are taken)");
            }
            tags.put(tag.substring(0, eq), tag.substring(eq + 1));
        }
        String description = request.option("description").orElse("jcap image " + request.image().metadata().name());
        return new Plan(AwsAccess.resolve(request.option("region"), env, properties), description, bootMode, tags);
    }

    @Override
    public List<String> dryRun(PushRequest request) throws JcapException {
        Plan plan = plan(request);
        var image = request.image();
        return List.of("would push " + image.file() + " (" + image.metadata().diskSize() + " bytes, sha256 "
                        + image.metadata().imageSha256() + ")",
                "as an EBS snapshot of " + gib(image.metadata().virtualSize()) + " GiB through the EBS direct API at "
                        + plan.access().ebs() + ", writing only the 512 KiB blocks that hold data, " + PARALLEL_BLOCKS
                        + " at a time",
                "registered as AMI '" + request.remoteName() + "' (hvm, /dev/xvda, ENA, " + plan.bootMode()
                        + ", IMDSv2) at " + plan.access().ec2() + " in " + plan.access().region() + ", tags " + plan.tags(),
                "with the AWS SDK's default credentials",
                request.replace() ? "deregistering older AMIs named '" + request.remoteName() + "' just before it is"
                        + " registered, and deleting their snapshots once it is"
                        : "refusing if the account has an AMI named '" + request.remoteName() + "' (--replace replaces it)");
    }

    @Override
    public PushResult push(PushRequest request, EventSink events) throws JcapException, InterruptedException {
        long start = System.nanoTime();
        Plan plan = plan(request);
        var image = request.image();
        SignedHttp http = new SignedHttp(AwsAccess.credentials(), plan.access().region());
        Ec2Api ec2 = new Ec2Api(http, plan.access().ec2());
        EbsDirect ebs = new EbsDirect(http, plan.access().ebs());
        String name = request.remoteName();
        List<Ec2Api.Ami> older = ec2.imagesNamed(name);
        if (!older.isEmpty() && !request.replace()) {
            throw new JcapException("the account has an AMI named '" + name + "' in " + plan.access().region() + " already: "
                    + older.stream().map(Ec2Api.Ami::imageId).toList() + "; push with --replace to replace it, or pick"
                    + " another --name");
        }
        try (Qcow2Image disk = Qcow2Image.open(image.file())) {
            String snapshot = ebs.start(gib(disk.virtualSize()), UUID.randomUUID().toString(), plan.description(), plan.tags());
            events.info("Started snapshot " + snapshot + " of " + gib(disk.virtualSize()) + " GiB");
            FileSums sums = FileSums.start(image.file());
            boolean done = false;
            try (Cleanup.Registration r = Cleanup.register("delete snapshot " + snapshot, () -> deleteQuietly(ec2, snapshot))) {
                long uploadStart = System.nanoTime();
                SnapshotUpload.Written written = new SnapshotUpload(ebs, disk, PARALLEL_BLOCKS)
                        .run(snapshot, events, "Uploading " + image.metadata().name());
                long nanos = Math.max(1, System.nanoTime() - uploadStart);
                events.info(String.format(Locale.ROOT, "Uploaded %d bytes in %d blocks in %.2f s (%.1f MB/s)",
                        written.bytes(), written.blocks(), nanos / 1e9, written.bytes() * 1000.0 / nanos));
                ebs.complete(snapshot, written.blocks(), written.linear());
                FileSums.Sums local = sums.awaitUnchanged(image.metadata().imageSha256());
                awaitCompleted(ec2, snapshot);
                // AMI names are unique in an account's region: the older ones are deregistered just
                // before the new one is registered, their snapshots deleted once it is.
                for (Ec2Api.Ami old : older) {
                    ec2.deregister(old.imageId());
                    events.info("Deregistered the older AMI " + old.imageId() + " named '" + name + "'");
                }
                String ami = ec2.register(registration(name, plan, snapshot));
                events.info("Registered " + ami + " (" + name + ") from snapshot " + snapshot);
                done = true;
                List<String> replaced = deleteSnapshots(ec2, older, events);
                r.release();
                return new PushResult(name(), ami + " (snapshot " + snapshot + ")", name, written.bytes(), local.sha256(),
                        Duration.ofNanos(System.nanoTime() - start), replaced);
            } finally {
                if (!done) {
                    sums.stop();
                    events.info("Deleting snapshot " + snapshot + " of the failed push");
                    deleteQuietly(ec2, snapshot);
                }
            }
        }
    }

    static Map<String, String> registration(String name, Plan plan, String snapshot) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Name", name);
        fields.put("Description", plan.description());
        fields.put("Architecture", "x86_64");
        fields.put("VirtualizationType", "hvm");
        fields.put("RootDeviceName", "/dev/xvda");
        fields.put("BlockDeviceMapping.1.DeviceName", "/dev/xvda");
        fields.put("BlockDeviceMapping.1.Ebs.SnapshotId", snapshot);
        fields.put("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true");
        fields.put("BlockDeviceMapping.1.Ebs.VolumeType", "gp3");
        fields.put("EnaSupport", "true");
        fields.put("BootMode", plan.bootMode());
        fields.put("ImdsSupport", "v2.0");
        fields.put("TagSpecification.1.ResourceType", "image");
        int n = 1;
        for (var tag : plan.tags().entrySet()) {
            fields.put("TagSpecification.1.Tag." + n + ".Key", tag.getKey());
            fields.put("TagSpecification.1.Tag." + n + ".Value", tag.getValue());
            n++;
        }
        return fields;
    }

    private static List<String> deleteSnapshots(Ec2Api ec2, List<Ec2Api.Ami> older, EventSink events)
            throws InterruptedException {
        List<String> replaced = new ArrayList<>();
        for (Ec2Api.Ami old : older) {
            replaced.add(old.imageId());
            for (String snapshot : old.snapshotIds()) {
                try {
                    ec2.deleteSnapshot(snapshot);
                    events.info("Deleted snapshot " + snapshot + " of the older AMI " + old.imageId());
                } catch (JcapException e) {
                    // The new AMI is registered: the push succeeded, the clean-up is the user's.
                    events.warn("snapshot " + snapshot + " of the older AMI " + old.imageId() + " stays: " + e.getMessage());
                }
            }
        }
        return replaced;
    }

    private static void awaitCompleted(Ec2Api ec2, String snapshot) throws JcapException, InterruptedException {
        long deadline = System.nanoTime() + COMPLETED_BOUND.toNanos();
        for (long wait = 200; ; wait = Math.min(5000, wait * 2)) {
            String state = ec2.snapshotState(snapshot);
            if (state.equals("completed")) {
                return;
            }
            if (state.equals("error")) {
                throw new JcapException("snapshot " + snapshot + " went into state 'error' after it was completed");
            }
            if (System.nanoTime() > deadline) {
                throw new JcapException("snapshot " + snapshot + " is still '" + state + "' after "
                        + COMPLETED_BOUND.toMinutes() + " minutes");
            }
            Thread.sleep(wait);
        }
    }

    static long gib(long bytes) {
        return Math.max(1, (bytes + GIB - 1) / GIB);
    }

    private static void deleteQuietly(Ec2Api ec2, String snapshot) {
        try {
            ec2.deleteSnapshot(snapshot);
        } catch (JcapException e) {
            // The push fails with its own reason; the snapshot carries jcap:image for the user to find.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
