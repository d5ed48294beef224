package io.jcap.hypervisor;

/**
 * Which accelerator to use and why, e.g. TCG because "probe guest did not answer within 3 s".
 *
 * @param cached whether the verdict came from the cache rather than a probe just now
 */
public record AcceleratorVerdict(Accelerator accelerator, String reason, boolean cached) {
    public AcceleratorVerdict {
        if (accelerator == null || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a verdict needs an accelerator and a reason");
        }
    }
}
