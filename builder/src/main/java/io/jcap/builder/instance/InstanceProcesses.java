package io.jcap.builder.instance;

import io.jcap.formats.json.JsonTrees;
import io.jcap.hypervisor.HostProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which detached instance a running QEMU process is, from the instances' records alone: no
 * status is worked out and no libvirt daemon asked, so that {@code jcap volume ls} can name the
 * instance holding a volume at the cost of reading a few small files.
 *
 * <pre>{@code
 * InstanceProcesses.nameOf(home.instances(), 4242);   // Optional[web]
 * }</pre>
 */
public final class InstanceProcesses {
    private InstanceProcesses() {
    }

    /**
     * The instance whose record names the process {@code pid} as its QEMU, while that very process
     * runs (its start time as recorded: a reused pid is not it); empty for a foreground run's QEMU.
     */
    public static Optional<String> nameOf(Path instancesDir, long pid) {
        if (!Files.isDirectory(instancesDir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(instancesDir)) {
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                Path record = folder.resolve(InstanceStore.RECORD);
                if (!InstanceName.isValid(name) || !Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (process(record).filter(p -> p.pid() == pid && p.isRunning()).isPresent()) {
                    return Optional.of(name);
                }
            }
        } catch (IOException e) {
            // An instances folder jcap cannot read names nobody; jcap ps says what is wrong with it.
        }
        return Optional.empty();
    }

    /** The process a record names ({@link InstanceStore} writes {@code pid} and {@code pidStartTicks}). */
    private static Optional<HostProcess> process(Path record) {
        try {
            var json = JsonTrees.read(record);
            return json.has("pid") && json.has("pidStartTicks")
                    ? Optional.of(new HostProcess(json.get("pid").asLong(), json.get("pidStartTicks").asLong()))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            // A damaged record: jcap ps reports it.
            return Optional.empty();
        }
    }
}
