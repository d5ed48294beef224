package io.jcap.hypervisor.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.formats.json.JsonTrees;
import io.jcap.host.Cleanup;
import io.jcap.host.Durable;
import io.jcap.host.SystemTemp;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.host.TempFiles;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides between KVM and TCG by booting a tiny guest under KVM with a short bound. A /dev/kvm
 * node proves nothing: it may be a software virtualiser that runs ordinary guests hundreds of
 * times slower than TCG. The verdict is cached per host boot and QEMU version.
 *
 * <pre>{@code
 * AcceleratorVerdict v = new AcceleratorProbe(qemu, jcapHome.resolve("cache/accel.json")).decide();
 * events.info("Using " + v.accelerator() + ": " + v.reason());
 * }</pre>
 */
public final class AcceleratorProbe {
    public static final Duration DEFAULT_BOUND = BootSector.PROBE_BOUND;
    static final Path KVM_DEVICE = Path.of("/dev/kvm");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    /** How long a QEMU that died of a signal waits for the JVM's own stop to show (Cleanup.shuttingDownWithin). */
    private static final Duration SIGNAL_WAIT = Duration.ofMillis(200);
    /** Made when a verdict is written only: every run reads the cache, with {@link JsonTrees}. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    /** What one probe boot showed: whether the guest answered, and in words what happened. */
    public record ProbeResult(boolean answered, String reason, List<String> consoleTail) {
        public ProbeResult {
            consoleTail = List.copyOf(consoleTail);
        }
    }

    private final QemuInstallation qemu;
    private final Path cacheFile;
    private final Duration bound;

    public AcceleratorProbe(QemuInstallation qemu, Path cacheFile) {
        this(qemu, cacheFile, DEFAULT_BOUND);
    }

    public AcceleratorProbe(QemuInstallation qemu, Path cacheFile, Duration bound) {
        this.qemu = qemu;
        this.cacheFile = cacheFile;
        this.bound = bound;
    }

    /** The cached verdict for this host boot and QEMU version, or a fresh one (then cached). */
    public AcceleratorVerdict decide() throws JcapException {
        Optional<String> bootId = bootId();
        if (bootId.isPresent()) {
            Optional<AcceleratorVerdict> cached = readCache(bootId.get());
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        AcceleratorVerdict verdict = judge();
        if (bootId.isPresent() && !Cleanup.shuttingDown()) {
            writeCache(bootId.get(), verdict);
        }
        return verdict;
    }

    /** Probes now, ignoring the cache. */
    public AcceleratorVerdict judge() throws JcapException {
        if (!Files.exists(KVM_DEVICE)) {
            return new AcceleratorVerdict(Accelerator.TCG, "/dev/kvm missing", false);
        }
        if (!Files.isReadable(KVM_DEVICE) || !Files.isWritable(KVM_DEVICE)) {
            return new AcceleratorVerdict(Accelerator.TCG,
                    "/dev/kvm not accessible to this user (add the user to the group kvm)", false);
        }
        ProbeResult result = boot(Accelerator.KVM);
        return new AcceleratorVerdict(result.answered() ? Accelerator.KVM : Accelerator.TCG, result.reason(), false);
    }

    /**
     * Boots the probe guest under {@code accelerator}: it answered when its marker appeared and
     * QEMU exited with the probe's exit code, all within the bound.
     */
    public ProbeResult boot(Accelerator accelerator) throws JcapException {
        Path dir;
        try {
            dir = TempFiles.create(SystemTemp.folder(), "jcap-probe-");
        } catch (IOException e) {
            throw new JcapException("cannot create a temporary folder for the accelerator probe: " + e.getMessage(), e);
        }
        try {
            Path disk = dir.resolve("probe.img");
            BootSector.writeDisk(BootSector.probe(), disk);
            return boot(accelerator, disk);
        } catch (IOException e) {
            throw new JcapException("cannot write the accelerator probe disk in " + dir + ": " + e.getMessage(), e);
        } finally {
            TempFiles.delete(dir);
        }
    }

    private ProbeResult boot(Accelerator accelerator, Path disk) throws JcapException {
        VmSpec spec = BootSector.probeMachine(accelerator, disk);
        Instant deadline = Instant.now().plus(bound);
        String name = accelerator.qemuName();
        try (QemuVm vm = new QemuVm(qemu, spec).withStartTimeout(bound).withStopTimeout(Duration.ZERO)) {
            try {
                vm.start();
                vm.awaitLine(line -> line.contains(BootSector.PROBE_MARKER), remaining(deadline));
                int code = vm.awaitExit(remaining(deadline));
                if (code != BootSector.PROBE_EXIT_CODE) {
                    return new ProbeResult(false, "qemu exited with code " + code + " instead of "
                            + BootSector.PROBE_EXIT_CODE + " after the probe guest answered", vm.consoleTail());
                }
                return new ProbeResult(true, "probe guest answered under " + name + " within "
                        + Durations.human(bound), vm.consoleTail());
            } catch (VmException e) {
                if (e.vmExitCode().isPresent()) {
                    // QEMU ended before its answer: KVM refused, or jcap's own Ctrl-C killed it.
                    stoppedByASignal(SIGNAL_WAIT);
                    List<String> stderr = vm.stderrTail();
                    String tail = stderr.isEmpty() ? "exit code " + e.vmExitCode().getAsInt()
                            : String.join(" / ", stderr.subList(Math.max(0, stderr.size() - 2), stderr.size()));
                    return new ProbeResult(false, "qemu failed: " + tail, e.consoleTail());
                }
                stoppedByASignal(Duration.ZERO);
                return new ProbeResult(false, "probe guest did not answer under " + name + " within "
                        + Durations.human(bound), e.consoleTail());
            }
        }
    }

    /**
     * Throws when jcap is stopping (Ctrl-C reaches QEMU too, as the whole process group): the
     * probe's QEMU was killed, which says nothing of KVM, and a verdict of it would be cached for
     * the rest of the host's boot.
     */
    private static void stoppedByASignal(Duration wait) throws JcapException {
        try {
            if (Cleanup.shuttingDownWithin(wait)) {
                throw new JcapException("stopped: jcap was interrupted during the accelerator probe");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcapException("interrupted during the accelerator probe", e);
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Optional<String> bootId() {
        try {
            return Optional.of(Files.readString(BOOT_ID).strip()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<AcceleratorVerdict> readCache(String bootId) {
        if (!Files.isRegularFile(cacheFile)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JsonTrees.read(cacheFile);
            if (!bootId.equals(node.path("bootId").asText()) || !qemu.version().toString().equals(
                    node.path("qemuVersion").asText())) {
                return Optional.empty();
            }
            return Optional.of(new AcceleratorVerdict(Accelerator.valueOf(node.path("accelerator").asText()),
                    node.path("reason").asText(), true));
        } catch (IOException | IllegalArgumentException e) {
            // A damaged cache only costs a new probe, which then overwrites it.
            return Optional.empty();
        }
    }

    private void writeCache(String bootId, AcceleratorVerdict verdict) throws JcapException {
        ObjectNode node = Mapper.JSON.createObjectNode().put("bootId", bootId).put("qemuVersion", qemu.version().toString())
                .put("accelerator", verdict.accelerator().name()).put("reason", verdict.reason());
        try {
            Path parent = cacheFile.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, "accel", ".tmp");
            try {
                Files.writeString(temp, Mapper.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
                try {
                    Durable.syncFile(temp);
                    Files.move(temp, cacheFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Durable.syncFile(temp);
                    Files.move(temp, cacheFile, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new JcapException("cannot write the accelerator cache " + cacheFile + ": " + e.getMessage()
                    + "; check that its folder is writable", e);
        }
    }
}
