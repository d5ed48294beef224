package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link DetachedDomain#remove} deletes comes from an instance's record: a record naming
 * another folder (damaged, or written by hand) must not make jcap delete it, here or on a remote
 * host. Refused before libvirt is asked anything.
 */
class DetachedDomainTest {
    @TempDir
    Path temp;

    @Test
    void remove_folderNotNamedAfterTheDomain_isRefusedAndLeftAlone() throws Exception {
        Path other = Files.createDirectories(temp.resolve("precious"));
        Files.writeString(other.resolve("keep"), "keep");

        JcapException e = assertThrows(JcapException.class,
                () -> DetachedDomain.remove(LibvirtUri.SYSTEM, "jcap-web-0a1b2c3d", other));

        assertEquals("refusing to remove libvirt domain jcap-web-0a1b2c3d and " + other + ": jcap keeps a domain's"
                + " files in a folder named after the domain, whose name starts with jcap-", e.getMessage());
        assertTrue(Files.exists(other.resolve("keep")));
        assertThrows(JcapException.class, () -> DetachedDomain.remove(LibvirtUri.parse("qemu+ssh://jcap@kvm1/system"),
                "precious", other));
        assertThrows(JcapException.class, () -> DetachedDomain.remove(LibvirtUri.SYSTEM, "jcap-x", Path.of("jcap-x")));
        assertTrue(Files.exists(other.resolve("keep")));
    }
}
