package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.DiskFormat;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** What the libvirt integration tests share: a reachable daemon (or a skip), guests, domain lookups. */
final class LibvirtTestSupport {
    static final Duration BOOT = Duration.ofSeconds(90);
    static final String SPIN_LINE = "JCAP-SPIN";

    private LibvirtTestSupport() {
    }

    /** Skips the test when qemu:///system does not answer, except under CI=true where that is a failure. */
    static void requireLibvirt() {
        LibvirtStatus status = LibvirtProbe.probe(LibvirtUri.SYSTEM);
        if (!status.reachable()) {
            String why = "libvirt is not usable here: " + status.problem().orElseThrow() + status.hint().map(h -> "; " + h)
                    .orElse("");
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
    }

    /** A TCG VM booting {@code sector} from a snapshot virtio disk. */
    static VmSpec.Builder bootSectorSpec(Path dir, byte[] sector) throws IOException {
        Path disk = dir.resolve("disk.img");
        BootSector.writeDisk(sector, disk);
        return VmSpec.builder().memoryMiB(32).drive(Drive.virtio(disk, DiskFormat.RAW).asSnapshot().withBootIndex(0));
    }

    /** Whether a domain of that name exists on qemu:///system. */
    static boolean domainExists(String name) throws Exception {
        Connect connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        try {
            connect.domainLookupByName(name);
            return true;
        } catch (LibvirtException e) {
            return false;
        } finally {
            connect.close();
        }
    }

    /** A file that must exist for a test; missing, the test skips, except under CI=true. */
    static Path require(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            String why = what + " not found at " + file;
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        return file;
    }
}
