package io.jcap.builder;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * How images of one kernel family are built, booted and looked into. {@link KernelFamilies}
 * picks the family by name: from the Capstanfile for a build, from the stored image for a run.
 * Adding a family is adding an implementation and its name there.
 */
interface KernelFamily {
    /** {@code linux} or {@code osv}, as kernels record their family. */
    String name();

    /** Builds the project's image into the repository (or reuses the stored one when nothing changed). */
    BuildResult build(JcapHome home, EventSink events, BuildJob job) throws JcapException, InterruptedException;

    /** Boots a stored image, passing its console on; returns what {@code jcap run} exits with. */
    int run(JcapHome home, EventSink events, ImageRepository.StoredImage image, RunRequest request,
            Consumer<String> output) throws JcapException, InterruptedException;

    /** The files at and under {@code path} inside a stored image, in guest-path order. */
    List<ImageFile> files(JcapHome home, EventSink events, ImageRepository.StoredImage image, GuestPath path)
            throws JcapException, InterruptedException;

    /** What a build starts from: the project, its parsed Capstanfile (after the build command), the request. */
    record BuildJob(Path projectDir, Capstanfile capstanfile, BuildRequest request) {
        /** The image name: the request's, else the project folder's. */
        String imageName() {
            return request.name().orElse(ImageName.forFolder(projectDir));
        }
    }
}
