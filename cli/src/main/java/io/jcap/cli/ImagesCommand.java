package io.jcap.cli;

import io.jcap.builder.ImageFiles;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageMetadataJson;
import io.jcap.builder.repository.ImageOrigin;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.cli.options.GuestPathConverter;
import io.jcap.cli.options.ListOutput;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.model.Printable;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "images", description = "List the images in the local repository.",
        subcommands = {ImagesCommand.Ls.class})
final class ImagesCommand implements Callable<Integer> {
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    ListOutput output;

    @Override
    public Integer call() throws JcapException {
        output.check(spec.commandLine());
        ImageRepository.Listing listing = new ImageRepository(JcapHome.fromEnvironment().images()).listing();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (output.json()) {
            out.println(ImageMetadataJson.listing(listing));
        } else if (output.quiet()) {
            // A broken image is named too: jcap rmi $(jcap images -q) removes it as well.
            listing.images().forEach(i -> out.println(i.metadata().name()));
            listing.broken().forEach(b -> out.println(b.name()));
        } else {
            TextTable table = new TextTable("NAME", "SIZE", "VIRTUAL", "CREATED (UTC)", "KERNEL", "FROM").alignRight(1, 2);
            for (ImageRepository.StoredImage image : listing.images()) {
                ImageMetadata m = image.metadata();
                // A pulled image shows the reference and manifest digest it was pulled by; a built one, "built".
                String from = ImageOrigin.of(image).map(o -> o.reference() + "@" + o.digest()).orElse("built");
                table.add(m.name(), ConsoleEvents.human(m.diskSize()), ConsoleEvents.human(m.virtualSize()),
                        CREATED.format(m.created()), m.kernel(), from);
            }
            for (ImageRepository.BrokenImage broken : listing.broken()) {
                table.add(broken.name(), "-", "-", "-", "(broken)", "-");
            }
            table.print(out);
        }
        // One line per broken image on stderr, with or without --json: what is wrong and what to do.
        // A warning, as jcap ps says of a damaged instance: the listing itself succeeded (exit 0).
        for (ImageRepository.BrokenImage broken : listing.broken()) {
            err.println("warning: image '" + broken.name() + "' is broken: " + broken.problem() + "; remove it with jcap rmi "
                    + broken.name());
        }
        return 0;
    }

    @Command(name = "ls", description = {"List the files inside an image without booting it.",
            "OSv ROFS images are read by jcap itself, Linux ext4/ext2 images with debugfs (e2fsprogs);"
                    + " OSv ZFS images cannot be listed."})
    static final class Ls implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IMAGE", description = "Image name (see jcap images).")
        String image;

        @Parameters(index = "1", arity = "0..1", defaultValue = "/", paramLabel = "PATH",
                converter = GuestPathConverter.class,
                description = "A path inside the image: a folder is listed with everything under it (default: /).")
        GuestPath path;

        @Override
        public Integer call() throws JcapException, InterruptedException {
            ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
            List<ImageFile> files = new ImageFiles(JcapHome.fromEnvironment(), events).list(image, path);
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-4s %04o %12d  %s%n";
            out.printf("%-4s %-4s %12s  %s%n", "TYPE", "MODE", "SIZE", "PATH");
            for (ImageFile f : files) {
                String type = switch (f.type()) {
                    case DIRECTORY -> "dir";
                    case FILE -> "file";
                    case SYMLINK -> "link";
                };
                // A link target may hold a newline, a name an escape sequence: shown, never printed.
                out.printf(format, type, f.mode(), f.size(), Printable.of(f.path().value())
                        + f.target().map(t -> " -> " + Printable.of(t)).orElse(""));
            }
            return 0;
        }
    }
}
