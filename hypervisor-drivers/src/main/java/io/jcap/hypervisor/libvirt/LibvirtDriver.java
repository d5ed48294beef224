package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.DriverProvider;
import io.jcap.hypervisor.DriverSettings;
import io.jcap.hypervisor.Drivers;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;

/**
 * The {@code libvirt} driver: domains defined for one run on a libvirt daemon, here or on a host
 * reached over SSH ({@link LibvirtVm}), which end with jcap's connection, and their disks are copied to the
 * libvirt host. Detached guests are persistent domains ({@link DetachedDomain}), here or on a host
 * reached over SSH.
 *
 * <p>On a local daemon the guests use this machine's KVM, so the accelerator is the one the
 * driver for this machine ({@code here}) judges; a remote host is judged by a probe guest there,
 * not cached.
 */
public final class LibvirtDriver implements Driver {
    public static final String NAME = "libvirt";

    private final LibvirtUri uri;
    private final Driver here;

    /**
     * @param here the driver that runs guests on this machine, asked for the accelerator when the
     *     daemon is local
     */
    public LibvirtDriver(LibvirtUri uri, Driver here) {
        this.uri = uri;
        this.here = here;
    }

    /** Makes the driver known to {@link Drivers}; the address is a libvirt URI, by default {@code qemu:///system}. */
    public static final class Provider implements DriverProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Driver create(DriverSettings settings) throws JcapException {
            LibvirtUri uri = settings.address().map(LibvirtUri::parse).orElse(LibvirtUri.SYSTEM);
            return new LibvirtDriver(uri, Drivers.named("qemu", settings));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    public LibvirtUri uri() {
        return uri;
    }

    /** A daemon that does not answer is a missing part of the machine, found before anything starts. */
    @Override
    public void requireAvailable() throws EnvironmentException {
        LibvirtStatus status = LibvirtProbe.probe(uri);
        if (!status.reachable()) {
            throw new EnvironmentException("cannot connect to libvirt at " + uri + ": " + status.problem().orElseThrow()
                    + status.hint().map(h -> "; " + h).orElse(""));
        }
    }

    @Override
    public AcceleratorVerdict chooseAccelerator(EventSink events) throws JcapException {
        return uri.isLocal() ? here.chooseAccelerator(events) : LibvirtAcceleratorProbe.judge(uri, events);
    }

    @Override
    public LibvirtVm create(VmSpec spec) {
        return new LibvirtVm(uri, spec);
    }

    @Override
    public boolean canDetach() {
        // A remote host's detached domain is looked after over SSH (its console, its removal).
        return uri.isLocal() || uri.sshTarget().isPresent();
    }

    @Override
    public boolean bootsKernels() {
        // Domains boot their disk: the kernel would have to travel to the host beside it.
        return false;
    }

    @Override
    public boolean copiesDisks() {
        return true;
    }

    @Override
    public boolean usesLocalFiles() {
        // A local daemon's QEMU gets a volume through a link in the domain's folder (Staging).
        return uri.isLocal();
    }
}
