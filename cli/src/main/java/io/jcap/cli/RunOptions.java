package io.jcap.cli;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.InstanceName;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.ByteSize;
import io.jcap.model.PortMapping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Turns the values of {@code jcap run}'s (and {@code jcap stop}'s) options into library values,
 * with one message per bad value that names the option. Each failure is a usage error (exit 2).
 */
final class RunOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private RunOptions() {
    }

    /** {@code -p HOST:GUEST[/tcp|/udp]} or {@code -p GUEST[/tcp|/udp]} (the same port on the host). */
    static PortMapping port(String text) {
        try {
            return PortMapping.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage("-p: " + e.getMessage());
        }
    }

    /** {@code -m 256M}: whole MiB, at least {@link RunRequest#MIN_MEMORY_MIB}. */
    static int memoryMiB(String text) {
        ByteSize size;
        try {
            size = ByteSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage("-m: " + e.getMessage());
        }
        if (size.bytes() % (1 << 20) != 0) {
            throw usage("-m: " + text + " is not a whole number of MiB (use M or G: 256M, 1G)");
        }
        if (size.mebibytes() < RunRequest.MIN_MEMORY_MIB) {
            throw usage("-m: " + text + " is too little memory: give at least " + RunRequest.MIN_MEMORY_MIB + "M");
        }
        if (size.mebibytes() > Integer.MAX_VALUE) {
            throw usage("-m: " + text + " is too much memory");
        }
        return (int) size.mebibytes();
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

    /** {@code --connect qemu:///system} or {@code qemu+ssh://user@host/system?...}. */
    static LibvirtUri libvirtUri(String text) {
        try {
            return LibvirtUri.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage("--connect: " + e.getMessage());
        }
    }

    /** {@code --boot direct} or {@code --boot disk}; null: the default (direct when the image allows it). */
    static Optional<BootMode> boot(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(BootMode.parse(text));
        } catch (IllegalArgumentException e) {
            throw usage("--boot: " + e.getMessage());
        }
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}; a plain number is seconds. */
    static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw usage(option + ": '" + text + "' is not a duration: use a number with ms, s or m (10s, 500ms, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** Builds the request; checks that only the library knows (a bad --cmd, an env name) read as usage errors too. */
    static RunRequest request(String image, String accel, boolean verbose, String memory, Integer cpus,
                              List<String> ports, String address, List<String> env, String cmd, String name) {
        RunRequest request = RunRequest.of(image)
                .withAccelerator(Accel.parse(accel))
                .withShowBoot(verbose)
                .withMemoryMiB(memory == null ? OptionalInt.empty() : OptionalInt.of(memoryMiB(memory)))
                .withCpus(cpus == null ? OptionalInt.empty() : OptionalInt.of(cpus(cpus)))
                .withPorts(ports.stream().map(RunOptions::port).toList())
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

    static CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(Jcap.commandLine(), message);
    }
}
