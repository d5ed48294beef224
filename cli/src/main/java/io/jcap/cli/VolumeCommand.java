package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.volume.VolumeStore;
import io.jcap.cli.options.SizeConverter;
import io.jcap.model.ByteSize;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "volume", description = {"List, create and remove named volumes.",
        "A volume is a disk with an ext4 file system that jcap run --volume NAME:/FOLDER mounts on a folder of a "
                + "Linux image; what the application writes there stays for the next run."},
        subcommands = {VolumeCommand.ListVolumes.class, VolumeCommand.Create.class, VolumeCommand.Remove.class})
final class VolumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JcapException {
        return ListVolumes.print(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    static VolumeStore store() {
        return new VolumeStore(JcapHome.fromEnvironment());
    }

    @Command(name = "ls", aliases = "list", description = "List the named volumes, and which instance (or QEMU"
            + " process, for a foreground run) uses each.")
    static final class ListVolumes implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws JcapException {
            return print(spec.commandLine().getOut(), spec.commandLine().getErr());
        }

        static int print(PrintWriter out, PrintWriter err) throws JcapException {
            TextTable table = new TextTable("NAME", "SIZE", "IN USE", "FILE");
            List<VolumeStore.Volume> volumes = store().list();
            for (VolumeStore.Volume v : volumes) {
                // Who uses it: an instance's name, or QEMU's pid for a foreground run.
                String use = !v.inUse() ? "no" : v.users().isEmpty() ? "yes" : String.join(",", v.users());
                table.add(v.name(), ByteSize.human(v.size()), use, v.file().toString());
            }
            table.print(out);
            if (volumes.isEmpty()) {
                // Said on stderr: stdout stays the table a script reads.
                err.println("No volumes yet: jcap run --volume NAME:/FOLDER IMAGE makes one, or jcap volume create"
                        + " NAME");
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Create a named volume: a sparse disk with an ext4 file system, empty or"
            + " holding a copy of a folder of this machine (--from).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '_', '.' and '-'.")
        String name;

        @Option(names = "--size", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "The disk's size, binary units (512M, 10G). Default: 1G. It takes on this machine only "
                        + "what is written.")
        ByteSize size = VolumeStore.DEFAULT_SIZE;

        @Option(names = "--from", paramLabel = "FOLDER", description = "Start the volume with a copy of FOLDER's "
                + "files, folders and links (their modes and times; their owners when jcap runs as root).")
        Path from;

        @Override
        public Integer call() throws JcapException {
            store().create(name, size, Optional.ofNullable(from));
            spec.commandLine().getOut().println(name);
            return 0;
        }
    }

    @Command(name = "rm", description = {"Remove named volumes and what they hold.",
            "A volume a running guest uses stays."})
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Volumes to remove.")
        List<String> names;

        @Override
        public Integer call() throws InterruptedException {
            VolumeStore store = store();
            return EachName.run(names, spec.commandLine().getErr(), name -> {
                int links = store.remove(name);
                spec.commandLine().getOut().println("removed " + name);
                if (links > 0) {
                    spec.commandLine().getErr().println("warning: the file of volume " + name + " has " + links
                            + " other name" + (links == 1 ? "" : "s") + " (a stopped libvirt instance's disk, which"
                            + " links the volume it ran with): its space comes back once that instance is removed"
                            + " (jcap rm)");
                }
            });
        }
    }
}
