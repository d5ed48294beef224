package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.fail;

import io.jcap.builder.api.JcapHome;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What integration tests need from the machine: QEMU and the Linux kernel that
 * {@code jcap kernels pull linux} stored. Missing parts skip a test on a developer's machine and
 * fail it under {@code CI=true}.
 */
public final class TestMachine {
    private TestMachine() {
    }

    public static QemuInstallation qemu() {
        try {
            return QemuInstallation.detect();
        } catch (JcapException e) {
            return Requirements.missing("QEMU: " + e.getMessage());
        }
    }

    public static Kernel linuxKernel() {
        try {
            return new KernelStore(JcapHome.fromEnvironment().kernels()).get("linux");
        } catch (JcapException e) {
            return Requirements.missing("the Linux kernel (bin/jcap kernels pull linux): " + e.getMessage());
        }
    }

    /** A jcap home in {@code dir} sharing the user's kernels. */
    public static JcapHome homeWithKernels(Path dir) throws IOException {
        linuxKernel();
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("kernels"), JcapHome.fromEnvironment().kernels());
        return new JcapHome(dir);
    }
}
