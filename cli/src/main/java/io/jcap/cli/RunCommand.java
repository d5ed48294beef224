package io.jcap.cli;

import io.jcap.builder.ImageRunner;
import io.jcap.builder.Instances;
import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.registry.ImageReference;
import io.jcap.builder.registry.RegistryPull;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.Instance;
import io.jcap.cli.options.AcceleratorOption;
import io.jcap.cli.options.BootModeConverter;
import io.jcap.cli.options.DiskBusConverter;
import io.jcap.cli.options.LibvirtUriConverter;
import io.jcap.cli.options.MemoryConverter;
import io.jcap.cli.options.NicModelConverter;
import io.jcap.cli.options.PortMappingConverter;
import io.jcap.cli.options.RegistryTlsOptions;
import io.jcap.cli.options.Verbosity;
import io.jcap.cli.options.VolumeMountConverter;
import io.jcap.hypervisor.DiskBus;
import io.jcap.hypervisor.GuestDevices;
import io.jcap.hypervisor.NicModel;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.ByteSize;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.VolumeMount;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = {"Boot an image and show its console; exits with the application's exit code.",
        "The image boots from a throw-away overlay, so the stored image stays as it was.",
        "With -d it runs on in the background as a named instance (see jcap ps, logs, stop, rm)."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE",
            description = "Image name (see jcap images), or REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST]: the image pulled "
                    + "from there (pulled now unless the repository has it).")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND",
            description = "Run this command with these arguments instead of the image's command line, for this run "
                    + "only, as docker run IMAGE COMMAND ARG... does: each word as given, no quoting needed (put -- "
                    + "after IMAGE when a word starts with -). The same as --cmd with the words quoted.")
    List<String> command = new ArrayList<>();

    @Option(names = {"-p", "--publish"}, paramLabel = "[HOST:]GUEST[/tcp|/udp]", converter = PortMappingConverter.class,
            description = "Forward a host port to a guest port (repeatable); GUEST alone uses the same host port. Replaces "
                    + "the image's forward of the same guest port; the image's others stay.")
    List<PortMapping> publish = new ArrayList<>();

    @Option(names = "--volume", paramLabel = "SOURCE:/FOLDER[:ro]", converter = VolumeMountConverter.class,
            description = "Mount a volume on a folder of the image for this run (repeatable; Linux images, QEMU "
                    + "on this machine): SOURCE is a volume name (made on first use, 1 GiB, ext4; see jcap volume) or "
                    + "a disk image file with an ext4 file system (a path with a /); :ro mounts it read-only. The "
                    + "folder must be in the image.")
    List<VolumeMount> volumes = new ArrayList<>();

    @Option(names = "--publish-address", paramLabel = "ADDR", defaultValue = PortForward.LOOPBACK,
            description = "Host address forwarded ports bind to. Default: ${DEFAULT-VALUE} (this machine only).")
    String publishAddress;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", converter = MemoryConverter.class,
            description = "Memory, binary units in either case (256M, 512m, 1GiB); default: the image's.")
    ByteSize memory;

    @Option(names = {"-c", "--cpus"}, paramLabel = "N", description = "Virtual CPUs; default: the image's.")
    Integer cpus;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE",
            description = {"Set an environment variable for this run (repeatable); adds to or replaces the image's.",
                "KEY alone passes jcap's own value of KEY (nothing when it has none)."})
    List<String> env = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = {"Read variables from FILE (repeatable), before"
            + " -e: KEY=VALUE lines taken as written,", "KEY lines as -e KEY; # comments and blank lines skipped."})
    List<Path> envFiles = new ArrayList<>();

    @Option(names = "--cmd", paramLabel = "COMMAND",
            description = "Run this command line instead of the image's, for this run only (\"/app/x --flag\").")
    String cmd;

    @Option(names = "--config-set", paramLabel = "NAME",
            description = "For an image built from a Capstan package: boot its named configuration NAME (one of the"
                    + " config_set of its meta/run.yaml) instead of the default one; several, as a,b, run one after"
                    + " the other. -e and --cmd apply on top of it.")
    String configSet;

    @Option(names = "--user-data", paramLabel = "FILE",
            description = "Cloud-init user-data for this run (a #cloud-config document, multipart MIME, ...): jcap "
                    + "attaches a NoCloud seed drive with it that a Linux image's init reads (docs/cloud.md).")
    Path userData;

    @Option(names = "--meta-data", paramLabel = "FILE",
            description = "The seed's meta-data (with --user-data); default: instance-id: the image's name.")
    Path metaData;

    @Option(names = "--network-config", paramLabel = "FILE",
            description = "The seed's network-config (with --user-data).")
    Path networkConfig;

    @Option(names = {"-d", "--detach"}, description = "Run in the background as an instance; prints its name.")
    boolean detach;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the detached instance (default: IMAGE-N).")
    String name;

    @Option(names = {"-i", "--interactive"}, description = "Pass standard input to the application's console, a line at "
            + "a time, without echo (as docker run -i); its end reaches the application as end of file. Linux images, "
            + "in the foreground.")
    boolean interactive;

    /** Docker's {@code --rm} and {@code -t}, which a user's fingers type (-it --rm): see their descriptions. */
    @Option(names = "--rm", description = "With -d: remove the instance once it has ended (on its own or by jcap"
            + " stop), as docker run --rm does. A foreground run leaves nothing behind anyway.")
    boolean rm;

    @Option(names = {"-t", "--tty"}, description = "Accepted as docker run -t is: the console is the guest's serial"
            + " line, shown as the guest writes it.")
    boolean tty;

    @Mixin
    AcceleratorOption accel;

    @Option(names = "--driver", paramLabel = "DRIVER", defaultValue = "qemu",
            description = "Hypervisor driver: qemu (jcap starts QEMU) or libvirt (a libvirt domain, foreground or "
                    + "detached; it boots the image's disk). Default: ${DEFAULT-VALUE}.")
    String driver;

    @Option(names = "--connect", paramLabel = "URI", converter = LibvirtUriConverter.class,
            description = "libvirt connection URI for --driver libvirt: qemu:///system (the default) or "
                    + "qemu+ssh://user@host/system?keyfile=... for a KVM host reached over SSH.")
    LibvirtUri connect;

    @Option(names = "--boot", paramLabel = "MODE", converter = BootModeConverter.class,
            description = "How a Linux image boots: direct (QEMU loads the kernel and initramfs stored with the image, as "
                    + "microVMs boot; the default with the qemu driver), disk or bios (the BIOS and the boot loader on "
                    + "the image's disk, as a cloud boots it; the default with libvirt) or uefi (the disk through UEFI "
                    + "firmware, OVMF, as AWS, GCE and Azure Gen2 machines boot it).")
    BootMode boot;

    @Option(names = "--disk-bus", paramLabel = "BUS", converter = DiskBusConverter.class,
            description = "How the image's disk is attached, to try it on a cloud's devices: virtio (the default), scsi "
                    + "(virtio-scsi) or nvme. Linux images, qemu driver.")
    DiskBus diskBus;

    @Option(names = "--nic-model", paramLabel = "MODEL", converter = NicModelConverter.class,
            description = "The network card: virtio (the default), e1000, e1000e or vmxnet3 (the kernel must have its "
                    + "driver: Debian's cloud kernel has no e1000/e1000e). Linux images, qemu driver.")
    NicModel nicModel;

    /** For an IMAGE that is a registry reference, pulled first. */
    @Mixin
    RegistryTlsOptions registryTls;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), verbosity.verbose());
        JcapHome home = JcapHome.fromEnvironment();
        if ((image.startsWith(".") || image.startsWith("/")) && java.nio.file.Files.isDirectory(java.nio.file.Path.of(image))) {
            // A project folder: jcap run takes what jcap build made of it.
            throw new CommandLine.ParameterException(spec.commandLine(), "IMAGE '" + image + "' is a folder: jcap run takes an image's name (jcap images lists"
                    + " them) or a registry reference; build the folder first with jcap build " + image);
        }
        // Before a registry reference is pulled: a wrong command line costs no download.
        try {
            if (name != null && !detach) {
                throw RunOptions.usage("--name names a detached instance: add -d");
            }
            if (interactive && detach) {
                throw RunOptions.usage("-i passes jcap's standard input to a foreground run: drop -d or -i");
            }
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // A registry reference runs the image pulled from it, pulled now when the repository lacks it.
        String local = !ImageReference.isReference(image) ? image : new RegistryPull(registryTls.access(),
                new ImageRepository(home.images())).ensure(PullCommand.reference(spec, image), events).metadata().name();
        RunRequest request;
        try {
            request = RunOptions.request(local, accel.accelerator(), verbosity.verbose(), memory, cpus, publish,
                    publishAddress, EnvOptions.entries(envFiles, env, System.getenv()),
                    RunOptions.commandLine(cmd, command), name);
            request = request.withLibvirt(libvirt()).withBoot(Optional.ofNullable(boot))
                    .withConfigSet(RunOptions.configSet(configSet))
                    .withCloudInit(RunOptions.cloudInit(userData, metaData, networkConfig))
                    .withDevices(new GuestDevices(diskBus == null ? DiskBus.VIRTIO : diskBus,
                            nicModel == null ? NicModel.VIRTIO : nicModel));
            if (request.libvirt().isPresent() && request.boot().equals(Optional.of(BootMode.DIRECT))) {
                throw RunOptions.usage("--boot direct needs --driver qemu: libvirt domains boot the image's disk");
            }
            request = request.withInteractive(interactive).withVolumes(volumes);
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (detach) {
            Instance instance = new Instances(home, events).start(request, rm);
            out.println(instance.name());
            out.flush();
            return 0;
        }
        return new ImageRunner(home, events).run(request, new StdoutLines(out),
                interactive ? Optional.of(System.in) : Optional.empty());
    }

    /** The libvirt URI to run through, or empty for the qemu driver. */
    private Optional<LibvirtUri> libvirt() {
        switch (driver) {
            case "qemu" -> {
                if (connect != null) {
                    throw RunOptions.usage("--connect applies to --driver libvirt");
                }
                return Optional.empty();
            }
            case "libvirt" -> {
                return Optional.of(connect == null ? LibvirtUri.SYSTEM : connect);
            }
            default -> throw RunOptions.usage("--driver: '" + driver + "' is not a driver: use qemu or libvirt");
        }
    }
}
