package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.SpinningGuest;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import io.jcap.testsupport.TestSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/** What the libvirt integration tests share: guests, domain lookups, files a test needs. */
final class LibvirtTestSupport {
    static final Duration BOOT = Duration.ofSeconds(90);
    static final String SPIN_LINE = SpinningGuest.SPIN_LINE;

    private LibvirtTestSupport() {
    }

    /** A TCG VM booting {@code sector} from a snapshot virtio disk. */
    static VmSpec.Builder bootSectorSpec(Path dir, byte[] sector) throws IOException {
        return SpinningGuest.bootSectorSpec(dir, sector, Drive::asSnapshot);
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

    /** The state of domain {@code name} on qemu:///system. */
    static DomainInfo.DomainState domainState(String name) {
        Connect connect = null;
        try {
            connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
            return connect.domainLookupByName(name).getInfo().state;
        } catch (JcapException | LibvirtException e) {
            throw new IllegalStateException("the state of domain " + name + ": " + e.getMessage(), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

        /** The SSH target of a test's sshd, its host key checked against {@code knownHosts}. */
    static SshTarget target(TestSshd sshd, Path knownHosts) {
        return new SshTarget(sshd.user, "127.0.0.1", sshd.port, Optional.of(sshd.clientKey), knownHosts);
    }

    /** A file that must exist for a test; missing, the test skips, except under CI=true. */
    static Path require(Path file, String what) {
        Requirements.require(Files.isRegularFile(file), what + " at " + file);
        return file;
    }
}
