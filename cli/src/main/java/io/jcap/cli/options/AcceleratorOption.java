package io.jcap.cli.options;

import io.jcap.hypervisor.Accelerator;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --accel} option of the commands that start a VM (run, and build for its builder VM).
 *
 * <pre>{@code
 * @Mixin
 * AcceleratorOption accel;
 * ... new BuildRequest(dir, name, accel.accelerator(), force) ...
 * }</pre>
 */
public final class AcceleratorOption {
    @Option(names = "--accel", defaultValue = "auto", converter = AcceleratorConverter.class,
            description = "Accelerator: auto (probe KVM, else TCG), kvm or tcg. Default: ${DEFAULT-VALUE}.")
    Optional<Accelerator> accel;

    /** The accelerator asked for; empty for {@code auto}. */
    public Optional<Accelerator> accelerator() {
        return accel;
    }
}
