package io.jcap.hypervisor.libvirt.push;

import io.jcap.hypervisor.libvirt.LibvirtUri;
import java.util.Objects;
import java.util.Optional;

/**
 * A persistent domain defined on a libvirt host, not started.
 *
 * @param uri the libvirt host
 * @param name the domain's name
 * @param network the libvirt network its NIC is on; empty when it uses QEMU's user network
 * @param consoleLog the file on the libvirt host that libvirt logs its serial console to
 */
public record DefinedDomain(LibvirtUri uri, String name, Optional<String> network, String consoleLog) {
    public DefinedDomain {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(consoleLog, "consoleLog");
    }

    /** The command that starts it: {@code virsh -c URI start NAME}. */
    public String startCommand() {
        return "virsh -c '" + uri + "' start " + name;
    }
}
