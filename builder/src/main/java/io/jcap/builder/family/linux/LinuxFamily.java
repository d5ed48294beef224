package io.jcap.builder.family.linux;

import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.family.RunConsole;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.ConsoleFollower;
import io.jcap.builder.instance.InstanceConsole;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.hypervisor.qemu.QemuEnding;
import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Linux images: Debian's kernel with jcap's init, an ext4 (or ext2) disk filled by a builder VM
 * ({@link LinuxImageBuild}), booted on q35 directly or through extlinux ({@link LinuxRunPlan});
 * the init reports the application's start and exit status on the console.
 */
public final class LinuxFamily implements KernelFamily {
    @Override
    public String name() {
        return Kernel.LINUX;
    }

    @Override
    public void prepare(JcapHome home, Capstanfile capstanfile) throws JcapException {
        LinuxImageBuild.prepare(home, capstanfile);
    }

    @Override
    public void check(Capstanfile capstanfile) throws JcapException {
        LinuxInputs.check(capstanfile);
    }

    @Override
    public BuildResult build(JcapHome home, EventSink events, BuildJob job) throws JcapException, InterruptedException {
        return new LinuxImageBuild(home, events).build(job);
    }

    @Override
    public RunPlan plan(JcapHome home, EventSink events, ImageRepository.StoredImage image, RunRequest request)
            throws JcapException {
        return LinuxRunPlan.prepare(home, image, request, events);
    }

    @Override
    public RunConsole console(Consumer<String> output, boolean showBoot, RunPlan plan) {
        return new ApplicationConsole(output, showBoot, plan.exitLine(), false);
    }

    @Override
    public InstanceConsole instanceConsole(ExitLine end) {
        return new InstanceConsole() {
            @Override
            public InstanceStatus ended(Path consoleLog, boolean stoppedByJcap, Optional<QemuEnding> ending) {
                return ConsoleVerdict.read(consoleLog, end).status(stoppedByJcap, ending);
            }

            @Override
            public boolean applicationStarted(Path consoleLog) {
                return ConsoleVerdict.applicationStarted(consoleLog);
            }

            @Override
            public Consumer<String> applicationOutput(Path consoleLog, Consumer<String> lines) {
                return new ApplicationConsole(lines, false, end, ConsoleFollower.startRotatedAway(consoleLog,
                        ConsoleVerdict.START, ConsoleVerdict.HEAD_BYTES));
            }

            @Override
            public Optional<Pattern> applicationEndLine() {
                return Optional.of(end.pattern());
            }
        };
    }

    @Override
    public List<ImageFile> files(JcapHome home, EventSink events, ImageRepository.StoredImage image, GuestPath path)
            throws JcapException, InterruptedException {
        return Ext4Files.list(home, image, path);
    }
}
