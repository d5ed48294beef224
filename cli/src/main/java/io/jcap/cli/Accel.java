package io.jcap.cli;

import io.jcap.hypervisor.Accelerator;
import java.util.Optional;
import picocli.CommandLine;

/** The {@code --accel} option: auto (empty), kvm or tcg. */
final class Accel {
    private Accel() {
    }

    static Optional<Accelerator> parse(String value) {
        return switch (value) {
            case "auto" -> Optional.empty();
            case "kvm" -> Optional.of(Accelerator.KVM);
            case "tcg" -> Optional.of(Accelerator.TCG);
            default -> throw new CommandLine.ParameterException(Jcap.commandLine(),
                    "--accel: '" + value + "' is not an accelerator: use auto, kvm or tcg");
        };
    }
}
