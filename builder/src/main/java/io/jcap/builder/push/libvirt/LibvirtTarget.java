package io.jcap.builder.push.libvirt;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.push.FileSums;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.TargetOption;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.DriverSettings;
import io.jcap.hypervisor.Drivers;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtConnections;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.libvirt.push.DefinedDomain;
import io.jcap.hypervisor.libvirt.push.PersistentDomains;
import io.jcap.hypervisor.libvirt.push.PoolVolume;
import io.jcap.hypervisor.libvirt.push.PoolVolumes;
import io.jcap.hypervisor.libvirt.push.VolumeTarget;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Pushes an image into a libvirt storage pool as a qcow2 volume through libvirt's own stream
 * (no SFTP, also to a host reached with {@code qemu+ssh://}), and with {@code define} also
 * defines a persistent domain booting it, so that {@code virsh start DOMAIN} runs the image there.
 *
 * <pre>{@code
 * PushResult r = new LibvirtTarget().push(PushRequest.of(image, "libvirt")
 *         .withOption("connect", "qemu+ssh://ops@kvm1/system").withOption("define", "hello"), events);
 * r.remoteId();   // default/hello.qcow2
 * }</pre>
 */
public final class LibvirtTarget implements PushTarget {
    /** The filesystems of images whose disk boots by itself with jcap's Linux init (not OSv's). */
    private static final Set<String> LINUX_FILESYSTEMS = Set.of("ext4", "ext2");
    /** The machine type Linux images run on, as {@code jcap run} gives them. */
    private static final String MACHINE = "q35";
    /** The machine type OSv images run on, as {@code jcap run} gives them (OSv's loader boots through the BIOS). */
    private static final String OSV_MACHINE = "pc";
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "libvirt";
    }

    @Override
    public String summary() {
        return "a libvirt storage pool (local, or a host reached with qemu+ssh://), and a domain booting it with --define";
    }

    @Override
    public List<TargetOption> options() {
        return List.of(new TargetOption("connect", false, "URI: the libvirt host (default: qemu:///system)"),
                new TargetOption("pool", false, "NAME: the storage pool (default: default)"),
                new TargetOption("volume", false, "NAME: the volume's name (default: the remote name and .qcow2)"),
                new TargetOption("define", false, "[DOMAIN]: also define a persistent domain booting the volume"
                        + " (default name: the remote name)"));
    }

    @Override
    public List<String> dryRun(PushRequest request) throws JcapException {
        Plan plan = plan(request);
        var image = request.image();
        List<String> lines = new ArrayList<>();
        lines.add("would push " + image.file() + " (" + image.metadata().diskSize() + " bytes, sha256 "
                + image.metadata().imageSha256() + ")");
        lines.add("into volume " + plan.volume() + " at " + plan.uri() + (plan.volume().replace()
                ? ", replacing a volume of that name" : ", refusing if the pool has a volume of that name (--replace replaces it)"));
        plan.domain().ifPresent(d -> lines.add("and define domain '" + d + "' (" + image.metadata().memoryMiB() + " MiB, "
                + image.metadata().cpus() + " CPU" + (image.metadata().cpus() == 1 ? "" : "s")
                + ") booting it, on the host's 'default' network if it has one, else user networking"));
        return lines;
    }

    @Override
    public PushResult push(PushRequest request, EventSink events) throws JcapException, InterruptedException {
        long start = System.nanoTime();
        Plan plan = plan(request);
        var image = request.image();
        LibvirtConnections.checkHostKey(plan.uri(), SSH_TIMEOUT);
        // The domain's spec is worked out (and its accelerator probed) before anything is sent, and
        // before the digests start: a refusal here leaves no sha256sum running.
        Optional<VmSpec> spec = plan.domain().isPresent() ? Optional.of(spec(plan.uri(), image.metadata(), events))
                : Optional.empty();
        // What the volume's upload and the domain's definition would refuse is refused before either
        // changes anything: an existing volume or domain without --replace, a running domain, or a
        // volume a running domain boots from. What a --replace push replaces goes in the result
        // (--json's "replaced"), as other targets say.
        List<String> replaced = new ArrayList<>();
        boolean domainExists = spec.isPresent()
                && PersistentDomains.checkDefinable(plan.uri(), plan.domain().get(), request.replace());
        if (PoolVolumes.checkUploadable(plan.uri(), plan.volume())) {
            replaced.add(plan.volume().pool() + "/" + plan.volume().volume());
        }
        if (domainExists) {
            replaced.add("domain " + plan.domain().get());
        }
        FileSums sums = FileSums.start(image.file());
        PoolVolume volume;
        long uploadStart = System.nanoTime();
        try {
            volume = PoolVolumes.upload(plan.uri(), image.file(), image.metadata().name(), plan.volume(), events);
        } catch (JcapException | InterruptedException | RuntimeException e) {
            sums.stop();
            throw e;
        }
        FileSums.Sums local;
        try {
            local = sums.awaitUnchanged(image.metadata().imageSha256());
        } catch (JcapException e) {
            PoolVolumes.delete(plan.uri(), plan.volume().pool(), plan.volume().volume());
            throw e;
        }
        long nanos = Math.max(1, volume.streamed().toNanos());
        events.info(String.format(Locale.ROOT, "Uploaded %d bytes in %.2f s (%.1f MB/s) to volume %s (%s); with the"
                        + " connection and the volume's creation %.2f s", volume.bytes(), nanos / 1e9,
                volume.bytes() * 1000.0 / nanos, volume, volume.path(), (System.nanoTime() - uploadStart) / 1e9));
        String remoteId = volume.pool() + "/" + volume.volume();
        if (spec.isPresent()) {
            DefinedDomain domain = PersistentDomains.define(plan.uri(), plan.domain().get(), spec.get(), volume,
                    request.replace(), events);
            events.info("Start it with: " + domain.startCommand());
            remoteId = remoteId + " domain " + domain.name();
        }
        return new PushResult(name(), remoteId, plan.volume().volume(), volume.bytes(), local.sha256(),
                Duration.ofNanos(System.nanoTime() - start), replaced);
    }

    /** What a request asks for, checked before anything is contacted. */
    record Plan(LibvirtUri uri, VolumeTarget volume, Optional<String> domain) {
    }

    static Plan plan(PushRequest request) throws JcapException {
        request.checkOptionsOf(new LibvirtTarget());
        LibvirtUri uri;
        try {
            uri = request.option("connect").map(LibvirtUri::parse).orElse(LibvirtUri.SYSTEM);
        } catch (IllegalArgumentException e) {
            throw JcapException.usage("--connect: " + e.getMessage(), e);
        }
        VolumeTarget volume;
        try {
            volume = VolumeTarget.named(request.option("volume").orElse(request.remoteName() + ".qcow2"))
                    .inPool(request.option("pool").orElse(VolumeTarget.DEFAULT_POOL));
        } catch (IllegalArgumentException e) {
            throw JcapException.usage(e.getMessage(), e);
        }
        if (request.replace()) {
            volume = volume.replacing();
        }
        Optional<String> domain = request.option("define").map(d -> d.isEmpty() ? request.remoteName() : d);
        if (domain.isPresent()) {
            if (!domain.get().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw JcapException.usage("--define: '" + domain.get() + "' is not a domain name jcap gives: use letters,"
                        + " digits, '.', '_' or '-', at most 64, starting with a letter or digit");
            }
        }
        return new Plan(uri, volume, domain);
    }

    /**
     * The domain's machine as {@code jcap run --driver libvirt} would give it: the image's memory and
     * CPUs, q35 (pc for an OSv image), a random number device, and the host's accelerator (KVM
     * where it works there). An OSv image boots its disk's own command line.
     */
    private static VmSpec spec(LibvirtUri uri, ImageMetadata image, EventSink events) throws JcapException {
        Driver driver = Drivers.named("libvirt", new DriverSettings(JcapHome.fromEnvironment().cache(),
                Optional.of(uri.toString())));
        driver.requireAvailable();
        Accelerator accelerator = driver.chooseAccelerator(events).accelerator();
        return VmSpec.builder()
                .machine(LINUX_FILESYSTEMS.contains(image.fs()) ? MACHINE : OSV_MACHINE)
                .accelerator(accelerator)
                .memoryMiB(image.memoryMiB())
                .cpus(image.cpus())
                // replaced by the volume when the domain is defined
                .drive(Drive.virtio(java.nio.file.Path.of("/dev/null"), DiskFormat.QCOW2).withBootIndex(0))
                .userNetwork()
                .rng(true)
                .build();
    }
}
