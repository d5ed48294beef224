package io.jcap.cli.options;

import io.jcap.hypervisor.Accelerator;

/**
 * {@code kvm} or {@code tcg}; {@code auto} is null, which picocli turns into an empty
 * {@code Optional<Accelerator>}: the library then probes for KVM and falls back to TCG.
 */
public final class AcceleratorConverter extends DomainValueConverter<Accelerator> {
    public AcceleratorConverter() {
        super(AcceleratorConverter::parse);
    }

    private static Accelerator parse(String text) {
        return switch (text) {
            case "auto" -> null;
            case "kvm" -> Accelerator.KVM;
            case "tcg" -> Accelerator.TCG;
            default -> throw new IllegalArgumentException("'" + text + "' is not an accelerator: use auto, kvm or tcg");
        };
    }
}
