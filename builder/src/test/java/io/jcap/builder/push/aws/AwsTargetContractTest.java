package io.jcap.builder.push.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.push.SampleQcow2;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS target against {@link AwsStandIn}, a stand-in for the EBS direct API and EC2 that
 * follows their API references for the calls jcap makes (no AWS account can be used in tests),
 * reached through the AWS SDK's standard endpoint settings ({@code aws.endpointUrlEbs},
 * {@code aws.endpointUrlEc2}) with credentials from the SDK's default chain.
 */
class AwsTargetContractTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    @TempDir
    static Path shared;
    static StoredImage image;

    @TempDir
    Path temp;
    AwsStandIn aws;
    Properties properties;

    @BeforeAll
    static void image() throws Exception {
        image = SampleImages.hello(SampleQcow2.write(shared));
        // The SDK's default credential chain reads these system properties.
        System.setProperty("aws.accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        System.setProperty("aws.secretAccessKey", SECRET);
    }

    @AfterAll
    static void clear() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @BeforeEach
    void standIn() throws Exception {
        aws = new AwsStandIn("eu-west-1");
        properties = new Properties();
        properties.setProperty("aws.endpointUrlEbs", aws.url());
        properties.setProperty("aws.endpointUrlEc2", aws.url());
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private AwsTarget target() {
        return new AwsTarget(Map.of(), properties);
    }

    private static PushRequest request() {
        return PushRequest.of(image, "aws").withOption("region", "eu-west-1");
    }

    @Test
    void push_sendsOnlyDataBlocks_withRetries_thenRegistersTheAmi() throws Exception {
        aws.fail("PutSnapshotBlock 0", 500, "InternalServerException");
        aws.fail("PutSnapshotBlock 18", 400, "RequestThrottledException");
        aws.fail("DescribeImages", 503, "Unavailable");
        RecordedEvents events = new RecordedEvents();

        PushResult result = target().push(request().withOption("tag", "team=web").withOption("boot-mode", "uefi"), events);

        var blocks = aws.blocks.get("snap-1");
        // Data: 300 000 bytes at 0 (block 0), 5 MiB at 9 MiB (blocks 18 to 27), the last sector (block 127).
        assertEquals(List.of(0L, 18L, 19L, 20L, 21L, 22L, 23L, 24L, 25L, 26L, 27L, 127L), List.copyOf(blocks.keySet()));
        assertEquals(12L * 524288, result.bytesSent());
        assertEquals("ami-1 (snapshot snap-1)", result.remoteId());
        assertEquals(List.of("DescribeImages", "DescribeImages", "StartSnapshot"), aws.calls.subList(0, 3));
        assertEquals(2, aws.calls.stream().filter(c -> c.equals("PutSnapshotBlock 0")).count());
        assertEquals(2, aws.calls.stream().filter(c -> c.equals("PutSnapshotBlock 18")).count());
        List<String> tail = aws.calls.subList(aws.calls.size() - 4, aws.calls.size());
        assertEquals(List.of("CompleteSnapshot", "DescribeSnapshots", "DescribeSnapshots", "RegisterImage"), tail);

        Map<String, String> ami = aws.registered.get("ami-1");
        assertEquals("hello", ami.get("Name"));
        assertEquals("snap-1", ami.get("BlockDeviceMapping.1.Ebs.SnapshotId"));
        assertEquals("/dev/xvda", ami.get("RootDeviceName"));
        assertEquals("hvm", ami.get("VirtualizationType"));
        assertEquals("true", ami.get("EnaSupport"));
        assertEquals("uefi", ami.get("BootMode"));
        assertEquals("v2.0", ami.get("ImdsSupport"));
        assertEquals("jcap:digest", ami.get("TagSpecification.1.Tag.2.Key"));
        assertEquals(image.metadata().imageSha256().hex(), ami.get("TagSpecification.1.Tag.2.Value"));
        assertEquals("team", ami.get("TagSpecification.1.Tag.3.Key"));

        // The blocks put together are the image's disk: qemu-img compares them with the qcow2.
        Path raw = temp.resolve("snapshot.raw");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(SampleQcow2.SIZE);
            for (var block : blocks.entrySet()) {
                file.seek(block.getKey() * 524288);
                file.write(block.getValue());
            }
        }
        HostTool.Result compare = HostTool.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(),
                image.file().toString()), Duration.ofMinutes(1));
        assertEquals(0, compare.exitCode(), compare.stdout() + compare.stderr());
        for (byte[] block : blocks.values()) {
            assertFalse(java.util.Arrays.equals(block, new byte[524288]), "a block of zeros was sent");
        }
        assertTrue(events.lines().stream().noneMatch(l -> l.contains(SECRET)));
    }

    @Test
    void push_existingName_isRefused_thenReplacedWithItsSnapshot() throws Exception {
        target().push(request(), new RecordedEvents());

        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));
        assertEquals("the account has an AMI named 'hello' in eu-west-1 already: [ami-1]; push with --replace to"
                + " replace it, or pick another --name", e.getMessage());

        PushResult replaced = target().push(request().withReplace(true), new RecordedEvents());
        assertEquals(List.of("ami-1"), replaced.replaced());
        assertEquals(List.of("ami-1"), aws.deregistered);
        assertEquals(List.of("snap-1"), aws.deletedSnapshots);
        assertEquals("ami-2 (snapshot snap-2)", replaced.remoteId());
        // The name is free again just before the new AMI takes it (the stand-in refuses a duplicate name, as EC2 does).
        assertEquals(List.of("DeregisterImage", "RegisterImage", "DeleteSnapshot"),
                aws.calls.subList(aws.calls.size() - 3, aws.calls.size()));
    }

    @Test
    void push_blockRefused_deletesTheSnapshot_andExits1() {
        aws.fail("PutSnapshotBlock 19", 403, "AccessDeniedException");

        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));

        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals("EBS at " + aws.url() + " refused to take block 19 of snapshot snap-1 (HTTP 403,"
                + " AccessDeniedException): injected", e.getMessage());
        assertEquals(List.of("snap-1"), aws.deletedSnapshots);
        assertTrue(aws.registered.isEmpty());
    }

    @Test
    void push_serviceDown_isUnreachable_andDryRunContactsNothing() throws Exception {
        properties.setProperty("aws.endpointUrlEbs", "http://127.0.0.1:9");
        properties.setProperty("aws.endpointUrlEc2", "http://127.0.0.1:9");

        List<String> lines = target().dryRun(request());
        assertEquals("as an EBS snapshot of 1 GiB through the EBS direct API at http://127.0.0.1:9, writing only the"
                + " 512 KiB blocks that hold data, 8 at a time", lines.get(1));

        JcapException e = assertThrows(JcapException.class, () -> target().push(request(), new RecordedEvents()));
        assertTrue(e instanceof EnvironmentException, e.toString());
        assertTrue(e.getMessage().startsWith("cannot reach EC2 at http://127.0.0.1:9: "), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void plan_badOptions_areRefusedWithWhatIsAllowed() throws Exception {
        JcapException boot = assertThrows(JcapException.class,
                () -> target().plan(request().withOption("boot-mode", "bios")));
        assertEquals("--boot-mode 'bios' is not a boot mode: use legacy-bios, uefi or uefi-preferred", boot.getMessage());
        StoredImage biosOnly = new StoredImage(image.metadata().toBuilder().guestProtocol(3).build(), image.file());
        JcapException uefi = assertThrows(JcapException.class,
                () -> target().plan(PushRequest.of(biosOnly, "aws").withOption("boot-mode", "uefi")));
        assertEquals("--boot-mode uefi: image 'hello' boots by BIOS only (an OSv image, or one an older jcap built): use"
                + " legacy-bios", uefi.getMessage());
        assertEquals("uefi-preferred", target().plan(request()).bootMode());
        assertEquals("legacy-bios", target().plan(PushRequest.of(biosOnly, "aws").withOption("region", "eu-west-1"))
                .bootMode());
        StoredImage virtioOnly = new StoredImage(image.metadata().toBuilder().guestProtocol(2).build(), image.file());
        JcapException drivers = assertThrows(JcapException.class, () -> target().plan(PushRequest.of(virtioOnly, "aws")));
        assertEquals("image 'hello' was built by an older jcap whose guest init loads virtio drivers only, and AWS's"
                + " virtual disks and network cards need others: build it again with jcap build", drivers.getMessage());
        StoredImage mini = new StoredImage(image.metadata().toBuilder().kernel("linux-mini", image.metadata().kernelSha256()).build(), image.file());
        JcapException kernel = assertThrows(JcapException.class, () -> target().dryRun(PushRequest.of(mini, "aws")));
        assertEquals("image 'hello' boots kernel linux-mini, jcap's tailored kernel for QEMU's virtio machines: it has"
                + " none of AWS's disk and network drivers (NVMe, ENA, virtio-scsi, Hyper-V) nor EFI, and would not find"
                + " its root disk there; build the image with kernel: linux (Debian's cloud kernel) to push it to AWS",
                kernel.getMessage());
        JcapException tag = assertThrows(JcapException.class, () -> target().plan(request().withOption("tag", "aws:x=1")));
        assertEquals("--tag 'aws:x=1' is not KEY=VALUE with a key of your own (aws: and jcap: keys are taken)",
                tag.getMessage());
        JcapException region = assertThrows(JcapException.class,
                () -> target().plan(PushRequest.of(image, "aws").withOption("region", "Mars")));
        assertEquals("region 'Mars' is not an AWS region ID such as eu-west-1", region.getMessage());
        properties.setProperty("aws.endpointUrlEbs", "ebs.local");
        JcapException endpoint = assertThrows(JcapException.class, () -> target().plan(request()));
        assertEquals("system property aws.endpointUrlEbs is 'ebs.local': give an http:// or https:// URL",
                endpoint.getMessage());
    }
}
