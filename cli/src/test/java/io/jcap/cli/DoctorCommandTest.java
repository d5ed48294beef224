package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.hypervisor.libvirt.LibvirtStatus;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {
    @Test
    void libvirtLine_reachableDaemon_isOkWithItsVersion() {
        LibvirtStatus status = new LibvirtStatus(LibvirtUri.SYSTEM, true, Optional.of("9.0.0"), Optional.of("7.2.22"),
                Optional.empty(), Optional.empty());

        assertEquals("[ok  ] libvirt 9.0.0 at qemu:///system", DoctorCommand.libvirtLine(status));
    }

    @Test
    void libvirtLine_unreachableDaemon_isANoteWithReasonAndHint() {
        LibvirtStatus status = new LibvirtStatus(LibvirtUri.SYSTEM, false, Optional.empty(), Optional.empty(),
                Optional.of("Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"),
                Optional.of("libvirtd is not running: start it"));

        assertEquals("[note] libvirt not reachable at qemu:///system: Failed to connect socket to"
                + " '/var/run/libvirt/libvirt-sock': No such file or directory (libvirtd is not running: start it)",
                DoctorCommand.libvirtLine(status));
    }

    @Test
    void libvirtLine_unreachableWithoutHint_endsWithTheReason() {
        LibvirtStatus status = new LibvirtStatus(LibvirtUri.SYSTEM, false, Optional.empty(), Optional.empty(),
                Optional.of("cannot load the libvirt client library (libvirt.so.0)"), Optional.empty());

        assertEquals("[note] libvirt not reachable at qemu:///system: cannot load the libvirt client library"
                + " (libvirt.so.0)", DoctorCommand.libvirtLine(status));
    }
}
