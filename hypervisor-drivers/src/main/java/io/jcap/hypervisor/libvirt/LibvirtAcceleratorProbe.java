package io.jcap.hypervisor.libvirt;

import io.jcap.host.SystemTemp;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Decides between KVM and TCG on a libvirt host as the qemu driver's probe does on this machine:
 * KVM only when the host's libvirt offers it and the probe guest, booted there under KVM, answers
 * within a short bound. An offered KVM proves nothing: /dev/kvm may be a software virtualiser far
 * slower than TCG, whose guests never seem to boot.
 *
 * <pre>{@code
 * AcceleratorVerdict v = LibvirtAcceleratorProbe.judge(LibvirtUri.parse("qemu+ssh://jcap@kvm1/system"), events);
 * }</pre>
 */
public final class LibvirtAcceleratorProbe {
    private LibvirtAcceleratorProbe() {
    }

    public static AcceleratorVerdict judge(LibvirtUri uri, EventSink events) throws JcapException {
        if (!LibvirtProbe.offersKvm(uri)) {
            return new AcceleratorVerdict(Accelerator.TCG, "libvirt at " + uri + " offers no KVM", false);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory(SystemTemp.folder(), "jcap-probe-");
        } catch (IOException e) {
            throw new JcapException("cannot create a temporary folder for the accelerator probe: " + e.getMessage(), e);
        }
        Path disk = dir.resolve("probe.img");
        try {
            BootSector.writeDisk(BootSector.probe(), disk);
            return boot(uri, disk, BootSector.PROBE_BOUND, events);
        } catch (IOException e) {
            throw new JcapException("cannot write the accelerator probe disk in " + dir + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(disk);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // A leftover 1 MiB file in the temp folder is not worth failing the run over.
            }
        }
    }

    private static AcceleratorVerdict boot(LibvirtUri uri, Path disk, Duration bound, EventSink events)
            throws JcapException {
        VmSpec spec = BootSector.probeMachine(Accelerator.KVM, disk);
        try (LibvirtVm vm = new LibvirtVm(uri, spec).withEvents(events).withStopTimeout(Duration.ZERO)) {
            try {
                vm.start();
            } catch (VmException e) {
                if (e.getCause() instanceof EnvironmentException unreachable) {
                    // An unknown host key or a refused login says nothing about KVM: the run would fail the same way.
                    throw unreachable;
                }
                return new AcceleratorVerdict(Accelerator.TCG, "libvirt at " + uri + " could not start a kvm guest: "
                        + e.summary(), false);
            }
            try {
                vm.awaitLine(line -> line.contains(BootSector.PROBE_MARKER), bound);
                return new AcceleratorVerdict(Accelerator.KVM, "probe guest answered under kvm at " + uri + " within "
                        + Durations.human(bound), false);
            } catch (VmException e) {
                return new AcceleratorVerdict(Accelerator.TCG, "probe guest did not answer under kvm at " + uri
                        + " within " + Durations.human(bound), false);
            }
        }
    }
}
