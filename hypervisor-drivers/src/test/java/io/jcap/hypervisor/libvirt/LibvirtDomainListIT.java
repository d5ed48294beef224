package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Reading the running domains of a libvirt host where domains end meanwhile, as other users'
 * transient domains do on a busy host: the one that ended between the listing and its reading is
 * left out instead of failing the caller (a push refused "Domain not found: no domain with
 * matching id 11" when another user's domain ended during its check). Real domains on the real
 * daemon: two diskless guests (the firmware finds nothing to boot and waits), destroyed by the
 * reader itself once the listing holds both, so the race happens every time.
 */
@Requires(Component.LIBVIRT)
class LibvirtDomainListIT {
    private Connect connect;
    private final List<String> names = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        for (String which : List.of("a", "b")) {
            String name = "jcap-list-" + run + "-" + which;
            connect.domainCreateXML("<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>32</memory>"
                    + "<os><type arch='x86_64'>hvm</type></os></domain>", 0)
                    .free();
            names.add(name);
        }
    }

    @AfterEach
    void destroy() throws Exception {
        if (connect != null) {
            destroyAll();
            connect.close();
        }
    }

    @Test
    void readRunning_domainsEndingBetweenTheListingAndTheirReading_areLeftOut() throws Exception {
        List<String> destroyedWhileReading = new ArrayList<>();
        List<String> read = LibvirtConnections.readRunning(connect, domain -> {
            if (names.contains(domain.getName()) && destroyedWhileReading.isEmpty()) {
                // The first of ours met: both end now. This one's description is asked for after
                // its end, and the other's look-up by its listed number comes after it too.
                destroyedWhileReading.addAll(destroyAll());
            }
            return domain.getName() + " " + domain.getXMLDesc(0).length();
        });

        assertEquals(names, destroyedWhileReading.stream().sorted().toList(), "both domains were running and listed");
        for (String name : names) {
            assertFalse(read.stream().anyMatch(r -> r.startsWith(name + " ")), name + " ended, yet was read: " + read);
        }
        assertTrue(LibvirtConnections.findDomain(connect, names.get(0)).isEmpty(), "no domain of that name is left");
    }

    /** Destroys those of this test's domains that still run; returns their names. */
    private List<String> destroyAll() throws LibvirtException {
        List<String> destroyed = new ArrayList<>();
        for (String name : names) {
            for (Domain domain : LibvirtConnections.findDomain(connect, name).stream().toList()) {
                try {
                    domain.destroy();
                    destroyed.add(name);
                } finally {
                    domain.free();
                }
            }
        }
        return destroyed;
    }
}
