package io.jcap.builder;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.family.linux.LinuxFamily;
import io.jcap.builder.family.osv.OsvFamily;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EventSink;
import io.jcap.model.FsType;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Optional;

/**
 * The kernel families jcap knows, picked by name. It lives beside the entry points rather than in
 * the family package because it names every implementation, each in a package of its own.
 *
 * <p>A build's family: the family of the Capstanfile's {@code kernel} as stored (a name not in the
 * store counts as OSv when it is {@code osv}, as Linux otherwise); without {@code kernel}, a
 * Capstan {@code base} or {@code fs: rofs}/{@code fs: zfs} means OSv, anything else Linux. A
 * stored image's family follows from its file system: {@code rofs} and {@code zfs} are OSv's.
 */
final class KernelFamilies {
    private static final List<KernelFamily> FAMILIES = List.of(new LinuxFamily(), new OsvFamily());

    private KernelFamilies() {
    }

    /** The family called {@code name}. */
    static KernelFamily named(String name) {
        return FAMILIES.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel family named '" + name + "'"));
    }

    static KernelFamily forBuild(Capstanfile c, KernelStore store) throws JcapException {
        return named(familyOf(c, store));
    }

    static String familyOf(Capstanfile c, KernelStore store) throws JcapException {
        Optional<String> kernel = c.kernel();
        if (kernel.isPresent()) {
            if (store.contains(kernel.get())) {
                return store.list().stream().filter(k -> k.name().equals(kernel.get())).map(Kernel::family)
                        .findFirst().orElse(Kernel.LINUX);
            }
            return kernel.get().equals(Kernel.OSV) ? Kernel.OSV : Kernel.LINUX;
        }
        boolean osvFs = c.fs().filter(fs -> fs == FsType.ROFS || fs == FsType.ZFS).isPresent();
        return c.base().isPresent() || osvFs ? Kernel.OSV : Kernel.LINUX;
    }

    static KernelFamily forImage(ImageMetadata image) {
        return named(OsvFamily.isOsvFs(image.fs()) ? Kernel.OSV : Kernel.LINUX);
    }

    /**
     * What a run of the request boots, foreground or detached alike: the stored image's family
     * plans it. A named configuration the image lacks is refused here for every family (only
     * images of Capstan packages, OSv's, have them).
     */
    static RunPlan plan(JcapHome home, EventSink events, RunRequest request) throws JcapException {
        ImageRepository.StoredImage image = new ImageRepository(home.images()).get(request.image());
        image.metadata().cmdline(request.configSet());
        return forImage(image.metadata()).plan(home, events, image, request);
    }
}
