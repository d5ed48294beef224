package io.jcap.builder.family;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.InstanceConsole;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * How images of one kernel family are built, booted and looked into. The builder's top package
 * picks the family by name: from the Capstanfile for a build, from the stored image for a run.
 * Adding a family is adding a package with an implementation and its name there.
 *
 * <p>A run, in the foreground or detached, boots what {@link #plan} works out; the family also
 * says how the guest's console reads ({@link #console}, {@link #instanceConsole}).
 */
public interface KernelFamily {
    /**
     * Why every family refuses Capstan's {@code rpm-base} in {@link #check}: Capstan fetched the
     * package and unpacked it into the image; jcap does neither.
     */
    String RPM_BASE = "installing an RPM package into the image is not supported: put the package's files in rootfs";

    /** {@code linux} or {@code osv}, as kernels record their family. */
    String name();

    /**
     * Reads ahead what a build of {@code capstanfile} will need and keeps nothing but caches warm
     * (the kernel checked against its digests, an initramfs looked up): it runs beside the
     * project's build command, a process of its own, and a failure here is the build's to report
     * later. By default nothing.
     */
    default void prepare(JcapHome home, Capstanfile capstanfile) throws JcapException {
    }

    /**
     * What the family refuses in {@code capstanfile} without reading a host file or running
     * anything, every problem placed at its key's line ({@code jcap validate}; a build checks the
     * same). By default nothing.
     */
    default void check(Capstanfile capstanfile) throws JcapException {
    }

    /** Builds the project's image into the repository (or reuses the stored one when nothing changed). */
    BuildResult build(JcapHome home, EventSink events, BuildJob job) throws JcapException, InterruptedException;

    /**
     * What a run of a stored image boots, with the request's settings (ports, memory, CPUs,
     * environment, command line) applied; refuses what the family cannot do before anything starts.
     */
    RunPlan plan(JcapHome home, EventSink events, ImageRepository.StoredImage image, RunRequest request)
            throws JcapException;

    /**
     * The console of one foreground run of {@code plan}: passes the application's output on and
     * gives the exit status (on Linux only the plan's {@link RunPlan#exitLine} reports it).
     */
    RunConsole console(Consumer<String> output, boolean showBoot, RunPlan plan);

    /** How the console log of a detached instance reads, whose run ends with {@code end}. */
    InstanceConsole instanceConsole(ExitLine end);

    /** The files at and under {@code path} inside a stored image, in guest-path order. */
    List<ImageFile> files(JcapHome home, EventSink events, ImageRepository.StoredImage image, GuestPath path)
            throws JcapException, InterruptedException;

    /** What a build starts from: the project, its parsed Capstanfile (after the build command), the request. */
    record BuildJob(Path projectDir, Capstanfile capstanfile, BuildRequest request) {
        /** The image name: the request's, else the project folder's ({@link BuildRequest#imageName}). */
        public String imageName() {
            return request.imageName();
        }
    }
}
