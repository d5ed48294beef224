package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.libvirt.LibvirtDriver;
import io.jcap.hypervisor.qemu.QemuDriver;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriversTest {
    @TempDir
    Path cache;

    @Test
    void names_listsTheDriversOnTheClassPath() {
        assertEquals(List.of("libvirt", "qemu"), Drivers.names());
    }

    @Test
    void own_areTheProvidersServiceLoaderFindsInThisModule() {
        List<String> own = Drivers.own().stream().map(p -> p.getClass().getName()).toList();
        List<String> serviceLoader = ServiceLoader.load(DriverProvider.class).stream()
                .map(p -> p.type().getName()).toList();

        assertEquals(List.of(QemuDriver.Provider.class.getName(), LibvirtDriver.Provider.class.getName()), own);
        assertEquals(own, serviceLoader);
    }

    @Test
    void providerNames_skipCommentsAndBlankLines() {
        assertEquals(List.of("a.B", "c.D$E"), Drivers.providerNames("# drivers\n a.B  # the first\n\n\tc.D$E\n#x.Y\n"));
    }

    @Test
    void named_qemu_runsGuestsHereAndCanDetachThem() throws Exception {
        Driver driver = Drivers.named("qemu", new DriverSettings(cache, Optional.empty()));

        assertInstanceOf(QemuDriver.class, driver);
        assertEquals("qemu", driver.name());
        assertTrue(driver.canDetach());
        assertFalse(driver.copiesDisks());
        assertTrue(driver.bootsKernels());
    }

    @Test
    void named_libvirt_connectsToTheAddressAndCopiesDisks() throws Exception {
        Driver driver = Drivers.named("libvirt", new DriverSettings(cache, Optional.of("qemu+ssh://jcap@kvm1/system")));

        LibvirtDriver libvirt = assertInstanceOf(LibvirtDriver.class, driver);
        assertEquals("qemu+ssh://jcap@kvm1/system", libvirt.uri().toString());
        // Its detached domains are looked after over SSH; a host reached otherwise keeps none.
        assertTrue(driver.canDetach());
        assertFalse(Drivers.named("libvirt", new DriverSettings(cache, Optional.of("qemu+tcp://kvm1/system")))
                .canDetach());
        assertTrue(driver.copiesDisks());
        assertFalse(driver.bootsKernels());
    }

    @Test
    void named_libvirtWithoutAddress_usesTheLocalSystemDaemon() throws Exception {
        LibvirtDriver driver = (LibvirtDriver) Drivers.named("libvirt", new DriverSettings(cache, Optional.empty()));

        assertEquals("qemu:///system", driver.uri().toString());
        // Detached guests are persistent domains of the local daemon.
        assertTrue(driver.canDetach());
    }

    @Test
    void named_unknownDriver_namesTheKnownOnes() {
        JcapException e = assertThrows(JcapException.class,
                () -> Drivers.named("vbox", new DriverSettings(cache, Optional.empty())));

        assertEquals("there is no hypervisor driver called 'vbox'; the drivers are libvirt, qemu", e.getMessage());
    }
}
