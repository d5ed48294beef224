package io.jcap.builder.family.linux;

import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.mini.MiniKernelBuild;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;

/**
 * The kernel the builder VM boots: linux-mini when it is stored, since it boots in about a third
 * of the Debian kernel's time (docs/benchmarks.md) and the builder only needs virtio, ext4 and its
 * tools; otherwise the image's own kernel. The image keeps the kernel its Capstanfile chose.
 */
final class BuilderKernel {
    private BuilderKernel() {
    }

    static Kernel choose(KernelStore store, Kernel imageKernel, EventSink events) {
        if (imageKernel.name().equals(MiniKernelBuild.NAME) || !store.contains(MiniKernelBuild.NAME)) {
            return imageKernel;
        }
        try {
            return store.get(MiniKernelBuild.NAME);
        } catch (JcapException e) {
            // A damaged linux-mini must not stop builds that do not need it.
            events.warn(e.getMessage() + "; the builder VM boots kernel " + imageKernel.name() + " instead");
            return imageKernel;
        }
    }
}
