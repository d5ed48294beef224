package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibvirtProbeTest {
    @Test
    void version_packedNumbers_readAsMajorMinorRelease() {
        assertEquals("9.0.0", LibvirtProbe.version(9_000_000));
        assertEquals("7.2.22", LibvirtProbe.version(7_002_022));
        assertEquals("10.10.1", LibvirtProbe.version(10_010_001));
    }

    private static String capabilities(String x86Domains) {
        return "<capabilities>\n"
                + "  <host><cpu><arch>x86_64</arch></cpu></host>\n"
                + "  <guest><os_type>hvm</os_type><arch name='i686'><domain type='qemu'/><domain type='kvm'/></arch>"
                + "</guest>\n"
                + "  <guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize>" + x86Domains
                + "</arch></guest>\n"
                + "</capabilities>\n";
    }

    @Test
    void offersKvm_x86GuestWithKvmDomain_isTrue() throws Exception {
        assertTrue(LibvirtProbe.offersKvm(capabilities("<domain type='qemu'/><domain type='kvm'/>")));
    }

    @Test
    void offersKvm_onlyQemuForX86_isFalseWhateverOtherArchitecturesOffer() throws Exception {
        assertFalse(LibvirtProbe.offersKvm(capabilities("<domain type='qemu'/>")));
    }

    @Test
    void offersKvm_documentTypeDeclaration_isRefused() {
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> LibvirtProbe.offersKvm(
                "<!DOCTYPE capabilities [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><capabilities>&x;</capabilities>"));

        assertTrue(e.getMessage().startsWith("libvirt's capabilities are not readable XML: "), e.getMessage());
    }

    @Test
    void status_reachableWithProblem_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LibvirtStatus(LibvirtUri.SYSTEM, true, Optional.empty(), Optional.empty(),
                        Optional.of("down"), Optional.empty()));

        assertEquals("a libvirt status has a problem exactly when it is unreachable", e.getMessage());
    }
}
