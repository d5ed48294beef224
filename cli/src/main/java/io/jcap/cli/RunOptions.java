package io.jcap.cli;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.CloudInitData;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.InstanceName;
import io.jcap.capstanfile.CommandWords;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.PortForward;
import io.jcap.model.ByteSize;
import io.jcap.model.FsType;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * Checks the values of {@code jcap run}'s options that picocli's converters (see
 * {@code io.jcap.cli.options}) do not, and builds the {@link RunRequest}, with one message per bad
 * value that names the option. Each failure is a usage error (exit 2).
 */
final class RunOptions {
    private RunOptions() {
    }

    static int cpus(int cpus) {
        if (cpus < 1 || cpus > RunRequest.MAX_CPUS) {
            throw usage("-c: " + cpus + " CPUs is outside 1.." + RunRequest.MAX_CPUS);
        }
        return cpus;
    }

    /** {@code -e KEY=VALUE} options, later ones replacing earlier ones of the same name. */
    static Map<String, String> env(List<String> entries) {
        Map<String, String> env = new TreeMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw usage("-e: '" + entry + "' is not KEY=VALUE");
            }
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    static String publishAddress(String address) {
        try {
            return new PortForward(address, 1, 1, PortForward.Protocol.TCP).hostAddress();
        } catch (IllegalArgumentException e) {
            throw usage("--publish-address: '" + address + "' is not an IPv4 address (127.0.0.1, 0.0.0.0)");
        }
    }

    static String name(String name) {
        try {
            return InstanceName.check(name);
        } catch (IllegalArgumentException e) {
            throw usage("--name: " + e.getMessage());
        }
    }

    /** {@code --config-set NAME} of run and build: empty when not given; a blank name is refused. */
    static Optional<String> configSet(String name) {
        if (name != null && name.isBlank()) {
            throw usage("--config-set: name one of the image's configurations (jcap images --json lists them as"
                    + " configSets)");
        }
        return Optional.ofNullable(name);
    }

    /** {@code jcap build --fs}: an OSv image's file system, {@code rofs} or {@code zfs}. */
    static Optional<FsType> osvFs(String fs) {
        if (fs == null) {
            return Optional.empty();
        }
        if (!fs.equals(FsType.ROFS.id()) && !fs.equals(FsType.ZFS.id())) {
            throw usage("--fs: '" + fs + "' is not a file system of OSv images: use rofs or zfs");
        }
        return Optional.of(FsType.of(fs));
    }

    /** {@code --user-data} and the seed files that go with it; the others alone are refused. */
    static Optional<CloudInitData> cloudInit(Path userData, Path metaData, Path networkConfig) {
        if (userData == null) {
            if (metaData != null || networkConfig != null) {
                throw usage((metaData != null ? "--meta-data" : "--network-config") + " goes with --user-data FILE");
            }
            return Optional.empty();
        }
        return Optional.of(CloudInitData.of(userData).withMetaData(Optional.ofNullable(metaData))
                .withNetworkConfig(Optional.ofNullable(networkConfig)));
    }

    /** Builds the request; checks that only the library knows (a bad --cmd, an env name) read as usage errors too. */
    static RunRequest request(String image, Optional<Accelerator> accel, boolean verbose, ByteSize memory, Integer cpus,
                              List<PortMapping> ports, String address, List<String> env, String cmd, String name) {
        RunRequest request = RunRequest.of(image)
                .withAccelerator(accel)
                .withShowBoot(verbose)
                // MemoryConverter let through only whole MiB that fit an int.
                .withMemoryMiB(memory == null ? OptionalInt.empty() : OptionalInt.of((int) memory.mebibytes()))
                .withCpus(cpus == null ? OptionalInt.empty() : OptionalInt.of(cpus(cpus)))
                .withPorts(ports)
                .withPublishAddress(publishAddress(address));
        try {
            request = request.withEnv(env(env));
        } catch (IllegalArgumentException e) {
            throw usage("-e: " + e.getMessage());
        }
        try {
            request = request.withCmd(Optional.ofNullable(cmd));
        } catch (IllegalArgumentException e) {
            throw usage("--cmd: " + e.getMessage());
        }
        return name == null ? request : request.withName(name(name));
    }

    /**
     * The command line of a run: {@code --cmd}'s, or the words given after the image (as {@code
     * docker run IMAGE COMMAND ARG...}) joined so that they split back the same; null for the
     * image's own.
     */
    static String commandLine(String cmd, List<String> words) {
        if (words.isEmpty()) {
            return cmd;
        }
        if (cmd != null) {
            throw usage("the command is given twice, by --cmd and by the words after IMAGE (" + String.join(" ", words)
                    + "): give it once");
        }
        return CommandWords.join(words);
    }

    static CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(Jcap.commandLine(), message);
    }
}
