package io.jcap.capstanfile;

import io.jcap.model.ByteSize;
import io.jcap.model.FsType;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A parsed and checked Capstanfile: what to put in an image and how to run it. Paths are
 * absolute; {@code &} in {@code files} is already replaced. Read one with
 * {@link CapstanfileParser}, which also reads a Capstan package ({@code meta/package.yaml},
 * {@code meta/run.yaml}) as one: an OSv image ({@code kernel: osv}) of the package folder
 * ({@code rootfs}) running its default configuration ({@code cmdline}, {@code env}), with every
 * configuration in {@link #capstanPackage()}:
 *
 * <pre>{@code
 * Capstanfile capstanfile = new CapstanfileParser().parse(Path.of("."));
 * capstanfile.files().forEach((guest, host) -> ...);
 * }</pre>
 *
 * @param file the Capstanfile itself; for a Capstan package, its {@code meta/run.yaml}
 * @param projectDir the project folder: {@code build} runs there, relative host paths start there
 * @param base the image the application is added to ({@code cloudius/osv-openjdk})
 * @param from a container image whose layers are the image's files and whose config says how it
 *     runs ({@code oci:DIR[:TAG]}, {@code oci-archive:FILE}, {@code docker-archive:FILE}); Linux only
 * @param kernel the kernel to boot ({@code linux}, {@code osv}, a catalogue name)
 * @param cmdline the command the image runs; absent only when {@code runtime} is java with a main class or a jar
 * @param build the build command as words (no shell); empty when there is none
 * @param files guest path to host file (or folder), sorted by guest path
 * @param rootfs a host folder merged into the image root: {@code rootfs}, or {@code ROOTFS} when that folder exists
 * @param rpmBase Capstan's {@code rpm-base}: the RPM file name ({@code name-version-release.arch}); kept, not composed yet
 * @param fs the file system of the image
 * @param size the size of the image disk
 * @param memory the memory of the VM
 * @param cpus the number of virtual CPUs (1..64)
 * @param ports ports forwarded from 127.0.0.1 on the host, in file order
 * @param env environment variables of the application, sorted by name
 * @param runtime how the application runs
 * @param capstanPackage for a Capstan package (a {@code meta/} folder instead of a Capstanfile):
 *     its configurations and what of its folder stays out of the image; empty for a Capstanfile
 */
public record Capstanfile(
        Path file,
        Path projectDir,
        Optional<String> base,
        Optional<String> from,
        Optional<String> kernel,
        Optional<String> cmdline,
        List<String> build,
        SortedMap<GuestPath, Path> files,
        Optional<Path> rootfs,
        Optional<String> rpmBase,
        Optional<FsType> fs,
        Optional<ByteSize> size,
        Optional<ByteSize> memory,
        OptionalInt cpus,
        List<PortMapping> ports,
        SortedMap<String, String> env,
        Optional<Runtime> runtime,
        Optional<CapstanPackage> capstanPackage) {

    public Capstanfile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(projectDir, "projectDir");
        for (Object optional : List.of(base, from, kernel, cmdline, rootfs, rpmBase, fs, size, memory, cpus, runtime,
                capstanPackage)) {
            Objects.requireNonNull(optional);
        }
        build = List.copyOf(build);
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
        ports = List.copyOf(ports);
        env = Collections.unmodifiableSortedMap(new TreeMap<>(env));
        if (cmdline.isEmpty() && from.isEmpty()
                && !runtime.filter(r -> r instanceof Runtime.Java java && java.canDeriveCmdline()).isPresent()) {
            throw new IllegalArgumentException("a Capstanfile without cmdline needs from: (a container image's command) or"
                    + " runtime java with main or jar");
        }
    }

    /**
     * What {@code jcap build --from REF} builds in a folder without a Capstanfile: the container
     * image alone, every other key at its default.
     */
    public static Capstanfile fromContainer(Path projectDir, String reference) {
        return new Capstanfile(projectDir.resolve(CapstanfileParser.FILE_NAME), projectDir, Optional.empty(),
                Optional.of(reference), Optional.empty(), Optional.empty(), List.of(), new TreeMap<>(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), List.of(),
                new TreeMap<>(), Optional.empty(), Optional.empty());
    }

    /** The same Capstanfile with file system {@code type} ({@code jcap build --fs} of a Capstan package). */
    public Capstanfile withFs(FsType type) {
        return new Capstanfile(file, projectDir, base, from, kernel, cmdline, build, files, rootfs, rpmBase,
                Optional.of(type), size, memory, cpus, ports, env, runtime, capstanPackage);
    }

    /** The same Capstanfile building from container image {@code reference} ({@code jcap build --from}). */
    public Capstanfile withFrom(String reference) {
        return new Capstanfile(file, projectDir, base, Optional.of(reference), kernel, cmdline, build, files, rootfs, rpmBase,
                fs, size, memory, cpus, ports, env, runtime, capstanPackage);
    }
}
