package io.jcap.builder.family.linux;

import io.jcap.builder.compose.ImageDefaults;
import io.jcap.builder.compose.TreeDelta;
import io.jcap.builder.compose.TreeDigests;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.cpio.CpioWriter;
import io.jcap.host.OwnerOnly;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Qboot;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.hypervisor.qemu.QemuVm;
import io.jcap.kernels.BootLoader;
import io.jcap.kernels.DiskLayout;
import io.jcap.kernels.GrubEfi;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.InitramfsCache;
import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.streamer.GuestMarker;
import io.jcap.streamer.GuestStreamer;
import io.jcap.streamer.GuestSummary;
import io.jcap.streamer.StreamException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Fills a raw disk through a builder VM: the host writes the partition table and the EFI system
 * partition ({@link DiskLayout}), jcap's init formats the root partition, receives the files as a
 * cpio stream over TCP, installs extlinux and powers off.
 */
final class BuilderVm {
    /** The fw_cfg name of the stream's token, read by jcap's init in build mode. */
    static final String STREAM_TOKEN = "opt/io.jcap/token";
    private static final SecureRandom TOKENS = new SecureRandom();
    /** The init's line for a connection without the token (jcap's own never lacks it). */
    static final String FOREIGN_CONNECTION = "jcap-init: dropped a connection that did not start with the build's token";
    /** Boot to listening: a kernel under software emulation plus mke2fs. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** After the stream: syncing and installing the boot loader. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(300);
    static final Duration POWER_OFF_TIMEOUT = Duration.ofSeconds(120);
    /** How long a guest that reported its build done may take to power off before QEMU is stopped. */
    static final Duration AFTER_DONE_GRACE = Duration.ofSeconds(15);

    private final QemuInstallation qemu;
    private final EventSink events;
    private final String extraAppend;
    private long fileTime = CpioWriter.defaultMtime();
    private InitrdSource initrds = InitrdSource.IN_WORK_FOLDER;
    private GrubEfi grub = new GrubEfi();

    /** Where the builder guest's initramfs comes from. */
    @FunctionalInterface
    interface InitrdSource {
        /** Composed anew in the build's work folder. */
        InitrdSource IN_WORK_FOLDER = (kernel, workDir) -> {
            Path initrd = workDir.resolve("builder-initrd.cpio");
            new Initramfs().writeBuilderInitramfs(kernel, initrd);
            return initrd;
        };

        /** The builder initramfs of {@code kernel}; it must stay until the guest has booted. */
        Path initrd(Kernel kernel, Path workDir) throws JcapException;

        /** Kept in jcap's cache ({@link InitramfsCache#builder}) and made once per kernel, init and host tools. */
        static InitrdSource cached(Path cache) {
            return (kernel, workDir) -> new InitramfsCache(cache.resolve(LinuxImageBuild.INITRAMFS)).builder(kernel,
                    TreeDigests.fileCache(cache));
        }
    }

    BuilderVm(QemuInstallation qemu, EventSink events) {
        this(qemu, events, "");
    }

    /** @param extraAppend more kernel parameters for the builder guest (tests inject faults with them) */
    BuilderVm(QemuInstallation qemu, EventSink events, String extraAppend) {
        this.qemu = qemu;
        this.events = events;
        this.extraAppend = extraAppend;
    }

    /** Takes the guest's initramfs from {@code source} instead of composing it in the work folder. */
    BuilderVm withInitrds(InitrdSource source) {
        this.initrds = source;
        return this;
    }

    /** Makes the EFI system partition's GRUB with {@code loader} (one that keeps it in a cache). */
    BuilderVm withGrub(GrubEfi loader) {
        this.grub = loader;
        return this;
    }

    /** Stamps {@code seconds} (since 1970) on every streamed entry instead of {@link CpioWriter#defaultMtime()}. */
    BuilderVm withFileTime(long seconds) {
        this.fileTime = seconds;
        return this;
    }

    /** Creates {@code disk} (raw, sparse, {@code diskBytes} long) and fills it with {@code entries}. */
    GuestStreamer.StreamResult fill(Path disk, long diskBytes, Kernel kernel, String fs, UUID root, List<ImageEntry> entries,
            Accelerator accelerator, Path workDir) throws JcapException, InterruptedException {
        try (Started vm = startFill(disk, diskBytes, kernel, fs, root, entries.size(), accelerator, workDir)) {
            return vm.stream(List.of(), entries);
        }
    }

    /**
     * Creates {@code disk} as {@link #fill} does and boots the builder guest on it, without
     * waiting for it: the host reads and digests the build's files meanwhile, then streams
     * {@code entryCount} entries with {@link Started#stream}.
     */
    Started startFill(Path disk, long diskBytes, Kernel kernel, String fs, UUID root, int entryCount,
            Accelerator accelerator, Path workDir) throws JcapException, InterruptedException {
        createDisk(disk, diskBytes, LinuxBoot.runAppend(fs, root), root, grub, workDir);
        return start(new GuestDisk(disk, diskBytes), Drive.virtio(disk, DiskFormat.RAW).asScratch(),
                LinuxBoot.builderAppend(fs, root, diskBytes, entryCount), kernel, accelerator, workDir);
    }

    /**
     * Brings {@code disk}, a qcow2 overlay on the previous build's disk of the same layout, up to
     * date: the guest mounts its file system without making one ({@code jcap.incremental=1}) and
     * takes the removals, then the entries, of {@code delta}.
     */
    GuestStreamer.StreamResult update(Path disk, long diskBytes, Kernel kernel, String fs, UUID root,
            TreeDelta delta, int treeEntries, Accelerator accelerator, Path workDir)
            throws JcapException, InterruptedException {
        // Discards reach the overlay: the guest trims the blocks the delta freed, so that the old
        // bytes of replaced files read as zeros and leave the image when it is compacted.
        try (Started vm = start(new GuestDisk(disk, diskBytes), Drive.virtio(disk, DiskFormat.QCOW2).withDiscard().asScratch(),
                LinuxBoot.builderAppend(fs, root, diskBytes, treeEntries) + " jcap.incremental=1", kernel,
                accelerator, workDir)) {
            return vm.stream(delta.removed(), delta.entries());
        }
    }

    private Started start(GuestDisk target, Drive drive, String append, Kernel kernel, Accelerator accelerator,
            Path workDir) throws JcapException, InterruptedException {
        Path initrd = initrds.initrd(kernel, workDir);
        // Booted as direct runs are (LinuxRunPlan): the HPET's tick under TCG, qboot when installed.
        VmSpec.Builder builder = VmSpec.builder()
                .accelerator(accelerator)
                .memoryMiB(ImageDefaults.BUILDER_MEMORY_MIB)
                .kernel(kernel.vmlinuz())
                .initrd(initrd)
                .append(append + extraAppend + (accelerator == Accelerator.TCG ? " " + LinuxRunPlan.TCG_TIMER : ""))
                .drive(drive)
                .userNetwork(PortForward.tcp(0, LinuxBoot.BUILDER_PORT))
                .noReboot(true);
        Qboot.find().ifPresent(builder::firmware);
        StreamToken token = StreamToken.create(workDir);
        builder.firmwareFile(token.file());
        VmSpec spec = builder.build();
        events.info("Booting the builder VM (" + accelerator.qemuName() + ")");
        QemuVm vm = new QemuVm(qemu, spec).withEvents(events)
                .withConsoleListener(line -> {
                    events.debug("builder: " + line);
                    if (line.startsWith(FOREIGN_CONNECTION)) {
                        events.warn("the builder guest dropped a connection to its port that did not come from this"
                                + " jcap (another local program's?); it waits for jcap's");
                    }
                });
        try {
            vm.start();
        } catch (JcapException | RuntimeException e) {
            vm.close();
            throw e;
        }
        return new Started(vm, target, token);
    }

    /**
     * The stream's token: {@code bytes}, 64 random hex digits and a line feed, which the host sends
     * before the stream; {@code file} hands them to the guest (docs/guest-protocol.md, "The
     * stream's token"). The builder's port is forwarded on the host's loopback, where another
     * local user could connect before jcap does; jcap's init drops a connection that does not
     * start with the token.
     */
    record StreamToken(byte[] bytes, FirmwareFile file) {
        /**
         * A new token, in the owner-only file {@code stream-token} of {@code workDir}, which QEMU
         * reads; never on QEMU's command line, which every local user can read.
         */
        static StreamToken create(Path workDir) throws JcapException {
            byte[] random = new byte[32];
            TOKENS.nextBytes(random);
            byte[] token = (HexFormat.of().formatHex(random) + "\n").getBytes(StandardCharsets.US_ASCII);
            Path file = workDir.resolve("stream-token");
            try {
                Files.deleteIfExists(file); // a second builder of the same build (after an incremental one failed)
                OwnerOnly.write(file, token);
            } catch (IOException e) {
                throw new JcapException("cannot write the builder's stream token to " + file + ": " + e.getMessage(), e);
            }
            return new StreamToken(token, new FirmwareFile(STREAM_TOKEN, file));
        }
    }

    /** A builder guest booting on its disk; closing it stops it if it still runs. */
    final class Started implements AutoCloseable {
        private final QemuVm vm;
        private final GuestDisk target;
        private final StreamToken token;

        private Started(QemuVm vm, GuestDisk target, StreamToken token) {
            this.vm = vm;
            this.target = target;
            this.token = token;
        }

        /**
         * Waits until the guest listens, streams the removals and entries into it, and waits until
         * it has synced, remounted read-only (its file system clean) and powered off.
         */
        GuestStreamer.StreamResult stream(List<GuestPath> removed, List<ImageEntry> entries)
                throws JcapException, InterruptedException {
            String ready = vm.awaitLine("the builder guest to listen",
                    l -> GuestMarker.isErrorOr(GuestMarker.Ready.class, l), READY_TIMEOUT);
            failOnGuestError(ready, vm, target);
            int port = vm.hostPort(LinuxBoot.BUILDER_PORT);
            GuestStreamer.StreamResult result;
            long started = System.nanoTime();
            try {
                result = new GuestStreamer(GuestStreamer.Protocol.JCAP, CONNECT_TIMEOUT, REPLY_TIMEOUT)
                        .withFileTime(fileTime).withToken(token.bytes()).stream(port, removed, entries, events, vm::isAlive);
            } catch (GuestStreamer.NoSummaryException e) {
                result = summaryFromConsole(vm, e, target);
            } catch (StreamException e) {
                if (e.getCause() instanceof io.jcap.formats.cpio.CpioWriter.SourceException) {
                    // A host file that could not be read: the guest and its console have no part in it.
                    throw new JcapException(e.getMessage(), e);
                }
                // A guest that failed (a full disk, a bad name) closes the connection: its own
                // error line says more than the broken stream does.
                for (String line : vm.consoleTail()) {
                    failOnGuestError(line, vm, target);
                }
                throw new VmException(e.getMessage() + hint(e.getMessage(), target), OptionalInt.empty(),
                        vm.consoleTail(), e);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long bytes = result.sent().bytes();
            long holes = result.sent().holeBytes();
            // A rate of a few kB (an incremental build's change, a stream of holes) says nothing.
            String rate = bytes < 1_000_000 ? "" : String.format(java.util.Locale.ROOT, "%.1f MB/s, ", bytes / seconds / 1e6);
            events.info(String.format(java.util.Locale.ROOT, "Streamed %d bytes in %.2f s (%sguest write and sync"
                    + " included)%s", bytes, seconds, rate, holes == 0 ? "" : "; " + holes + " bytes of zeros left as holes"));
            String done = vm.awaitLine("the builder guest to finish",
                    l -> GuestMarker.isErrorOr(GuestMarker.BuildDone.class, l), POWER_OFF_TIMEOUT);
            failOnGuestError(done, vm, target);
            // JCAP-BUILD-DONE comes after the file system was remounted read-only (clean) and the disk synced: what
            // is left is the guest's power off, which has been seen to lock up under TCG.
            OptionalInt ended = vm.awaitExitOnceFinished(() -> true, AFTER_DONE_GRACE, POWER_OFF_TIMEOUT);
            int status = ended.orElse(0);
            if (status != 0) {
                throw new VmException("the builder VM exited with status " + status, OptionalInt.of(status),
                        vm.consoleTail());
            }
            return result;
        }

        @Override
        public void close() {
            vm.close();
        }
    }

    /**
     * The guest's summary from its console, when the connection closed without it: QEMU's user
     * network has been seen to drop the last bytes of a guest that powers off right after sending
     * them. The guest prints the summary before it sends it, so it is checked the same way.
     */
    private GuestStreamer.StreamResult summaryFromConsole(QemuVm vm, GuestStreamer.NoSummaryException lost,
            GuestDisk target) throws VmException {
        String line = vm.awaitLine("the build summary on the console",
                l -> GuestMarker.isErrorOr(GuestMarker.Summary.class, l), POWER_OFF_TIMEOUT);
        failOnGuestError(line, vm, target);
        try {
            GuestSummary summary = GuestSummary.parse(((GuestMarker.Summary) GuestMarker.parse(line).orElseThrow())
                    .reply());
            summary.verify(lost.sent());
            events.debug("The connection lost the guest's summary; took it from the console");
            return new GuestStreamer.StreamResult(lost.sent(), summary);
        } catch (StreamException e) {
            throw new VmException(e.getMessage(), OptionalInt.empty(), vm.consoleTail(), e);
        }
    }

    private static void failOnGuestError(String line, QemuVm vm, GuestDisk target) throws VmException {
        if (GuestMarker.parse(line).orElse(null) instanceof GuestMarker.Error e) {
            throw new VmException("the builder guest failed: " + e.message() + hint(e.message(), target),
                    OptionalInt.empty(), vm.consoleTail());
        }
    }

    /** The raw disk the guest fills: its file on the host and its size. */
    record GuestDisk(Path file, long bytes) {
        /**
         * The host's file system holding the disk, looked up once: when it has less room left than
         * this sparse disk's size, the guest's writes may have run out of it, and such a write fails
         * in the guest with an I/O error (the drive's error policy reports it rather than pausing
         * the guest). Empty when it cannot be read.
         */
        Optional<FileStore> store() {
            try {
                return Optional.of(Files.getFileStore(file));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /** What to do about a guest error the user can fix. */
    static String hint(String guestMessage, GuestDisk target) {
        if (guestMessage.contains("No space left on device")) {
            return "; the image's disk (" + (target.bytes() >> 20) + " MiB) is too small for these files: raise `size`"
                    + " in the Capstanfile, or leave it out to let jcap size the disk";
        }
        if (guestMessage.contains("I/O error")) {
            return target.store().map(store -> hostFullHint(store, target.bytes())).orElse("");
        }
        return "";
    }

    private static String hostFullHint(FileStore store, long diskBytes) {
        long free;
        try {
            free = store.getUsableSpace();
        } catch (IOException e) {
            return "";
        }
        if (free >= diskBytes) {
            return "";
        }
        return "; the host's disk is likely full: the file system " + store + " has " + (free >> 20)
                + " MiB free for a " + (diskBytes >> 20)
                + " MiB image disk: free some space and build again (the previous image is untouched)";
    }

    /**
     * The sparse disk with its partition table and EFI system partition (docs/guest-protocol.md,
     * "Disk layout"); the guest formats and fills the root partition.
     */
    private static void createDisk(Path disk, long bytes, String runAppend, UUID root, GrubEfi grub, Path workDir)
            throws JcapException {
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(bytes);
        } catch (IOException e) {
            throw new JcapException("could not create the disk " + disk + ": " + e.getMessage(), e);
        }
        DiskLayout.write(disk, new BootLoader(BootLoader.SYSLINUX_GPT_MBR).bootCode(), grub.image(workDir),
                GrubEfi.config(runAppend, root), root);
    }
}
