package io.jcap.builder.push;

import io.jcap.kernels.mini.MiniKernelBuild;
import io.jcap.model.JcapException;

/**
 * Which images a public cloud can boot: jcap's tailored kernel (linux-mini) is built for QEMU's
 * virtio machine and has none of the clouds' disk and network drivers (NVMe, ENA, virtio-scsi,
 * Hyper-V's storage and network, Xen's) nor EFI support, so on AWS, Azure or GCE it would not find
 * its root disk; images pushed there keep Debian's cloud kernel (docs/kernels.md). OpenStack and
 * libvirt hosts run virtio machines, where linux-mini boots.
 */
public final class CloudKernels {
    private CloudKernels() {
    }

    /** Refuses the request's image for {@code cloud} ("AWS") when its kernel cannot boot there. */
    public static void requireCloudDrivers(PushRequest request, String cloud) throws JcapException {
        String kernel = request.image().metadata().kernel();
        if (MiniKernelBuild.NAME.equals(kernel)) {
            String name = request.image().metadata().name();
            throw new JcapException("image '" + name + "' boots kernel " + kernel + ", jcap's tailored kernel for QEMU's"
                    + " virtio machines: it has none of " + cloud + "'s disk and network drivers (NVMe, ENA,"
                    + " virtio-scsi, Hyper-V) nor EFI, and would not find its root disk there; build the image with"
                    + " kernel: linux (Debian's cloud kernel) to push it to " + cloud);
        }
    }
}
