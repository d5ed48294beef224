package io.jcap.builder.repository;

import io.jcap.kernels.osv.OsvCommandSequence;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the image repository records beside an image file. Builds make one with {@link #builder};
 * {@link ImageMetadataJson} is its one JSON form.
 *
 * <pre>{@code
 * ImageMetadata m = ImageMetadata.builder("hello")
 *         .created(Instant.now()).inputsDigest(inputs).streamDigest(stream)
 *         .kernel("linux", kernelSha256).cmdline("/app/hello").fs("ext4")
 *         .disk(virtualSize, diskSize, imageSha256).accelerator("tcg")
 *         .runDefaults(128, 1, List.of()).guestProtocol(2)
 *         .build();
 * }</pre>
 *
 * @param inputsDigest digest of everything the image was built from (package file, files, kernel,
 *     settings): an unchanged digest lets a rebuild reuse the image
 * @param streamDigest what the image's files were made of: the tree digest
 *     ({@code compose.TreeDigests}: every entry with its content's SHA-256, which decides the
 *     stream into a builder guest or the ROFS written on the host; the same for an incremental
 *     build as for one from scratch)
 * @param cmdline the command line the image runs
 * @param memoryMiB memory the image runs with unless told otherwise
 * @param cpus virtual CPUs the image runs with unless told otherwise
 * @param ports ports the image publishes unless told otherwise (the Capstanfile's {@code ports})
 * @param guestProtocol the version of the guest protocol its init speaks (1 for images recorded
 *     before the version was; 2 takes run-time settings)
 * @param configSets for an image built from a Capstan package: the command line of each of its
 *     named configurations, by name, as {@code cmdline} is for the default one; empty otherwise
 * @param defaultConfigSet the configuration whose command line is {@code cmdline}; null when
 *     {@code configSets} is empty
 */
public record ImageMetadata(
        String name,
        Instant created,
        Sha256 inputsDigest,
        Sha256 streamDigest,
        String kernel,
        Sha256 kernelSha256,
        String cmdline,
        String fs,
        long virtualSize,
        long diskSize,
        Sha256 imageSha256,
        String accelerator,
        int memoryMiB,
        int cpus,
        List<PortMapping> ports,
        int guestProtocol,
        SortedMap<String, String> configSets,
        String defaultConfigSet) {
    /** The guest protocol from which Linux disks boot under UEFI too. */
    public static final int UEFI_GUEST_PROTOCOL = 4;
    /** The guest protocol whose init loads modules by device (docs/guest-protocol.md, "Protocol versions"). */
    public static final int DEVICE_DRIVERS_GUEST_PROTOCOL = 3;


    public ImageMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(inputsDigest, "inputsDigest");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(imageSha256, "imageSha256");
        // A pulled record is the registry's word, and jcap images prints the kernel's name.
        if (!io.jcap.kernels.KernelStore.isName(kernel)) {
            throw new IllegalArgumentException("'" + io.jcap.model.Printable.of(kernel) + "' is not a kernel name");
        }
        ports = List.copyOf(ports);
        configSets = Collections.unmodifiableSortedMap(new TreeMap<>(configSets));
        if (configSets.isEmpty() != (defaultConfigSet == null) || defaultConfigSet != null
                && !configSets.keySet().containsAll(Arrays.asList(defaultConfigSet.split(",", -1)))) {
            throw new IllegalArgumentException("the default configuration " + defaultConfigSet + " is not one of "
                    + configSets.keySet());
        }
    }

    /** The metadata of an image without named configurations (one not built from a Capstan package). */
    public ImageMetadata(String name, Instant created, Sha256 inputsDigest, Sha256 streamDigest, String kernel,
                         Sha256 kernelSha256, String cmdline, String fs, long virtualSize, long diskSize,
                         Sha256 imageSha256, String accelerator, int memoryMiB, int cpus, List<PortMapping> ports,
                         int guestProtocol) {
        this(name, created, inputsDigest, streamDigest, kernel, kernelSha256, cmdline, fs, virtualSize, diskSize,
                imageSha256, accelerator, memoryMiB, cpus, ports, guestProtocol, new TreeMap<>(), null);
    }

    /**
     * The command line a run boots: the image's own, or that of its named configuration
     * {@code configSet}; several names separated by {@code ,} run one after the other, as
     * Capstan's {@code --boot a --boot b} does.
     *
     * @throws JcapException when the image has no configuration of that name
     */
    public String cmdline(Optional<String> configSet) throws JcapException {
        if (configSet.isEmpty()) {
            return cmdline == null ? "" : cmdline;
        }
        List<String> lines = new ArrayList<>();
        for (String set : configSet.get().split(",", -1)) {
            String line = configSets.get(set.strip());
            if (line != null) {
                lines.add(line);
                continue;
            }
            if (configSets.isEmpty()) {
                throw new JcapException("image '" + name + "' has no named configurations, so it cannot run configuration '"
                        + configSet.get() + "': only images built from a Capstan package (meta/run.yaml) have them");
            }
            throw new JcapException("image '" + name + "' has no configuration '" + set.strip() + "': use "
                    + String.join(", ", configSets.keySet()) + " (the default is " + defaultConfigSet + ")");
        }
        return OsvCommandSequence.join(lines);
    }

    /**
     * Whether the image's guest init loads the drivers its machine's devices need (guest protocol 3:
     * modules by device alias), so that it boots on other disks and network cards than virtio's:
     * SCSI, NVMe, the clouds' own. OSv images bring their own drivers; Linux images of older
     * protocols load virtio's only.
     */
    public boolean loadsDriversByDevice() {
        return !("ext4".equals(fs) || "ext2".equals(fs)) || guestProtocol >= DEVICE_DRIVERS_GUEST_PROTOCOL;
    }

    /**
     * Whether the disk boots under UEFI as well as under a BIOS: the Linux images of guest
     * protocol {@value #UEFI_GUEST_PROTOCOL} or later (GPT, an EFI system partition with GRUB;
     * docs/guest-protocol.md, "Disk layout"). OSv's and older Linux disks boot by BIOS only.
     */
    public boolean bootsUnderUefi() {
        return (fs.equals("ext4") || fs.equals("ext2")) && guestProtocol >= UEFI_GUEST_PROTOCOL;
    }

    /** A builder for the metadata of image {@code name}; every field the record requires must be set. */
    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    /** A builder holding this metadata, to change some of it. */
    public Builder toBuilder() {
        return new Builder().name(name).created(created).inputsDigest(inputsDigest).streamDigest(streamDigest)
                .kernel(kernel, kernelSha256).cmdline(cmdline).fs(fs).disk(virtualSize, diskSize, imageSha256)
                .accelerator(accelerator).runDefaults(memoryMiB, cpus, ports).guestProtocol(guestProtocol)
                .configSets(defaultConfigSet, configSets);
    }

    /** The same metadata under another name (an image stored again under a new name). */
    public ImageMetadata withName(String newName) {
        return toBuilder().name(newName).build();
    }

    /**
     * Collects the facts of an image as a build learns them: its inputs first, the disk's size and
     * digest last ({@link DiskCommit} adds those once the qcow2 file exists).
     */
    public static final class Builder {
        private String name;
        private Instant created;
        private Sha256 inputsDigest;
        private Sha256 streamDigest;
        private String kernel;
        private Sha256 kernelSha256;
        private String cmdline;
        private String fs;
        private long virtualSize;
        private long diskSize;
        private Sha256 imageSha256;
        private String accelerator;
        private int memoryMiB;
        private int cpus;
        private List<PortMapping> ports = List.of();
        private int guestProtocol;
        private SortedMap<String, String> configSets = new TreeMap<>();
        private String defaultConfigSet;

        private Builder() {
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder created(Instant value) {
            created = value;
            return this;
        }

        public Builder inputsDigest(Sha256 value) {
            inputsDigest = value;
            return this;
        }

        /** The cpio stream's digest; null for images recorded without one. */
        public Builder streamDigest(Sha256 value) {
            streamDigest = value;
            return this;
        }

        /** The kernel's store name and the SHA-256 of its image (null when unknown). */
        public Builder kernel(String storeName, Sha256 sha256) {
            kernel = storeName;
            kernelSha256 = sha256;
            return this;
        }

        public Builder cmdline(String value) {
            cmdline = value;
            return this;
        }

        public Builder fs(String value) {
            fs = value;
            return this;
        }

        /** The stored qcow2 file: its virtual size, its size on disk and its SHA-256. */
        public Builder disk(long virtualBytes, long fileBytes, Sha256 sha256) {
            virtualSize = virtualBytes;
            diskSize = fileBytes;
            imageSha256 = sha256;
            return this;
        }

        /** The accelerator the builder VM ran with; null when no VM built the image. */
        public Builder accelerator(String value) {
            accelerator = value;
            return this;
        }

        /** How the image runs unless told otherwise. */
        public Builder runDefaults(int memory, int cpuCount, List<PortMapping> published) {
            memoryMiB = memory;
            cpus = cpuCount;
            ports = published;
            return this;
        }

        public Builder guestProtocol(int value) {
            guestProtocol = value;
            return this;
        }

        /**
         * A Capstan package's named configurations: the command line of each, and the one
         * {@link #cmdline} is (null with an empty map: the image has none).
         */
        public Builder configSets(String defaultName, Map<String, String> cmdlines) {
            defaultConfigSet = defaultName;
            configSets = new TreeMap<>(cmdlines);
            return this;
        }

        public ImageMetadata build() {
            return new ImageMetadata(name, created, inputsDigest, streamDigest, kernel, kernelSha256, cmdline, fs,
                    virtualSize, diskSize, imageSha256, accelerator, memoryMiB, cpus, ports, guestProtocol, configSets,
                    defaultConfigSet);
        }
    }
}
