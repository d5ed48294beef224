package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.runtime.RuntimeJdk;
import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.Ovmf;
import io.jcap.hypervisor.Qboot;
import io.jcap.hypervisor.libvirt.LibvirtProbe;
import io.jcap.hypervisor.libvirt.LibvirtStatus;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.AcceleratorProbe;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.BootLoader;
import io.jcap.kernels.GrubEfi;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.mini.KernelBuildTools;
import io.jcap.kernels.mini.LinuxSource;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "doctor", description = {"Check what jcap needs on this machine and say how to fix what is missing.",
        "Exits with 3 when something the default build and run path needs is missing;",
        "what only --driver libvirt needs is a note."})
final class DoctorCommand implements Callable<Integer> {
    private static final long LOW_DISK = 1L << 30;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private boolean missing;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        JcapHome home = JcapHome.fromEnvironment();
        QemuInstallation qemu = null;
        try {
            qemu = QemuInstallation.detect();
            ok("QEMU " + qemu.version() + " at " + qemu.qemuSystem());
            ok("qemu-img at " + qemu.qemuImg());
        } catch (JcapException e) {
            fail(e.getMessage());
            // Both missing on a fresh machine: say both, not one fix at a time.
            if (!QemuInstallation.qemuImgOnPath(System.getenv())) {
                fail("qemu-img not found on PATH: install qemu-utils (apt-get install qemu-utils)");
            }
        }
        if (qemu != null) {
            try {
                AcceleratorVerdict verdict = new AcceleratorProbe(qemu, home.cache().resolve("accelerator.json")).judge();
                line(verdict.accelerator().name().equals("KVM") ? "ok  " : "note", "accelerator "
                        + verdict.accelerator().qemuName() + ": " + verdict.reason()
                        + (verdict.accelerator().name().equals("KVM") ? "" : " (software emulation works, only slower)"));
            } catch (JcapException e) {
                fail("accelerator probe failed: " + e.getMessage());
            }
        }
        checkKernels(home);
        checkBuilderTools();
        checkKernelBuild();
        checkJavaRuntimes();
        checkDisk(home);
        checkLibvirt();
        return missing ? ExitCode.ENVIRONMENT.code() : 0;
    }

    private void checkKernels(JcapHome home) {
        KernelStore store = new KernelStore(home.kernels());
        try {
            KernelStore.Listing listing = store.listing();
            List<Kernel> kernels = listing.kernels();
            for (KernelStore.BrokenKernel broken : listing.broken()) {
                fail(broken.problem());
            }
            if (kernels.isEmpty() && listing.broken().isEmpty()) {
                fail("no kernel in " + home.kernels() + ": run jcap kernels pull linux");
            }
            noLinuxKernel(kernels).ifPresent(note -> line("note", note));
            for (Kernel k : kernels) {
                try {
                    store.get(k.name());
                    Optional<String> stale = io.jcap.kernels.LinuxFlavour.staleness(k);
                    if (stale.isPresent()) {
                        // Not a failure: images build and boot, without what the modules give.
                        line("warn", stale.get());
                    } else {
                        ok("kernel " + k.name() + " " + k.version() + " verified (SHA-256)");
                    }
                } catch (JcapException e) {
                    fail(e.getMessage());
                }
            }
        } catch (JcapException e) {
            fail(e.getMessage());
        }
    }

    /**
     * A note when the store holds kernels but no Linux one: OSv images build and run, but a
     * Capstanfile without {@code kernel:} (whose default is {@code linux}) does not, nor does any
     * Linux image's builder VM.
     */
    static Optional<String> noLinuxKernel(List<Kernel> kernels) {
        if (kernels.isEmpty() || kernels.stream().anyMatch(k -> k.family().equals(Kernel.LINUX))) {
            return Optional.empty();
        }
        return Optional.of("no Linux kernel: only OSv images build here; Linux images (the default when a"
                + " Capstanfile names no kernel) need one: run jcap kernels pull linux");
    }

    private void checkBuilderTools() {
        for (Initramfs.HostTool tool : Initramfs.BUILDER_TOOLS) {
            boolean found = tool.hostCandidates().stream().anyMatch(Files::isExecutable);
            if (found) {
                ok("builder tool " + tool.guestPath().fileName() + " found");
            } else {
                fail("builder tool " + tool.guestPath().fileName() + " missing: apt-get install " + tool.debianPackage());
            }
        }
        if (Files.isRegularFile(BootLoader.SYSLINUX_MBR)) {
            ok("boot loader MBR code at " + BootLoader.SYSLINUX_MBR);
        } else {
            fail("boot loader MBR code missing (" + BootLoader.SYSLINUX_MBR + "): apt-get install syslinux-common");
        }
        if (new GrubEfi().available()) {
            ok("UEFI boot loader: grub-mkimage and GRUB's modules at " + GrubEfi.DEBIAN_MODULES);
        } else {
            fail("UEFI boot loader missing (grub-mkimage, " + GrubEfi.DEBIAN_MODULES + "): apt-get install"
                    + " --no-install-recommends grub-efi-amd64-bin");
        }
        if (Ovmf.find().isPresent()) {
            ok("UEFI firmware for jcap run --boot uefi at " + Ovmf.find().get());
        } else {
            line("note", "UEFI firmware (OVMF) missing, which jcap run --boot uefi needs: apt-get install ovmf");
        }
        if (Qboot.find().isPresent()) {
            ok("qboot for direct boots at " + Qboot.find().get());
        } else {
            line("note", "qboot missing: direct boots start through SeaBIOS, ~0.1 s slower under TCG:"
                    + " apt-get install qemu-system-data");
        }
        if (Initramfs.class.getResource(Initramfs.INIT_RESOURCE) == null) {
            fail("jcap's guest init is not in this build: install musl-tools and rebuild jcap");
        } else {
            ok("guest init present");
        }
    }

    /** Only jcap kernels build linux-mini needs these, so what is missing is a note. */
    private void checkKernelBuild() {
        List<String> missingTools = KernelBuildTools.missing();
        String source;
        try {
            source = LinuxSource.find(LinuxSource.DEBIAN_FOLDER).label();
        } catch (JcapException e) {
            source = null;
            missingTools = new java.util.ArrayList<>(missingTools);
            missingTools.add(e.getMessage());
        }
        if (missingTools.isEmpty()) {
            ok("tools to build linux-mini (" + KernelBuildTools.checked() + ") and its source " + source);
        } else {
            line("note", "jcap kernels build linux-mini needs what is missing here: " + String.join("; ", missingTools));
        }
    }

    /** Only Java images need a full JDK, so what is missing is a note. */
    private void checkJavaRuntimes() {
        try {
            ok(RuntimeJdk.describe());
        } catch (JcapException e) {
            line("note", e.getMessage());
        }
    }

    private void checkDisk(JcapHome home) {
        Path probe = home.root();
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent();
        }
        try {
            long free = Files.getFileStore(probe).getUsableSpace();
            if (free < LOW_DISK) {
                fail("only " + ConsoleEvents.human(free) + " free for " + home.root() + ": free some space (1 GiB or more)");
            } else {
                ok(ConsoleEvents.human(free) + " free for " + home.root());
            }
        } catch (IOException | NullPointerException e) {
            fail("cannot tell the free space for " + home.root() + ": " + e.getMessage());
        }
    }

    /** Only --driver libvirt needs the daemon, so a missing one is a note, never a failure. */
    private void checkLibvirt() {
        out.println(libvirtLine(LibvirtProbe.probe(LibvirtUri.SYSTEM)));
        out.flush();
    }

    static String libvirtLine(LibvirtStatus status) {
        if (status.reachable()) {
            return "[ok  ] libvirt " + status.libvirtVersion().orElseThrow() + " at " + status.uri();
        }
        return "[note] libvirt not reachable at " + status.uri() + ": " + status.problem().orElseThrow()
                + status.hint().map(h -> " (" + h + ")").orElse("");
    }

    private void ok(String text) {
        line("ok  ", text);
    }

    private void fail(String text) {
        missing = true;
        line("FAIL", text);
    }

    private void line(String status, String text) {
        out.println("[" + status + "] " + text);
        out.flush();
    }
}
