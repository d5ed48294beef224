package io.jcap.builder;

import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Linux images: Debian's kernel with jcap's init, an ext4 (or ext2) disk filled by a builder VM,
 * booted through extlinux. The pipelines themselves live in {@link ImageBuilder} and
 * {@link ImageRunner}.
 */
final class LinuxFamily implements KernelFamily {
    @Override
    public String name() {
        return Kernel.LINUX;
    }

    @Override
    public BuildResult build(JcapHome home, EventSink events, BuildJob job) throws JcapException, InterruptedException {
        return new ImageBuilder(home, events).buildLinux(job.projectDir(), job.capstanfile(), job.request());
    }

    @Override
    public int run(JcapHome home, EventSink events, ImageRepository.StoredImage image, RunRequest request,
                   Consumer<String> output) throws JcapException, InterruptedException {
        return new ImageRunner(home, events).runLinux(image, request, output);
    }

    @Override
    public List<ImageFile> files(JcapHome home, EventSink events, ImageRepository.StoredImage image, GuestPath path)
            throws JcapException, InterruptedException {
        return Ext4Files.list(home, image, path);
    }
}
