package io.jcap.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The components' probes and the condition's decision, with made-up environments. */
class RequiresConditionTest {
    @TempDir
    Path dir;

    @Test
    void verdict_probesEachComponentOnce_andListsWhatIsMissingInOrder() {
        List<Component> probed = new java.util.ArrayList<>();
        HostEnvironment ci = new HostEnvironment(Map.of("CI", "true"), dir);
        Verdict verdict = RequiresCondition.verdict(new Component[] {Component.QEMU, Component.SSHD, Component.QEMU},
                c -> {
                    probed.add(c);
                    return Optional.of(c.name().toLowerCase(java.util.Locale.ROOT));
                }, ci);
        assertEquals(List.of(Component.QEMU, Component.SSHD), probed);
        assertEquals(new Verdict(Verdict.Kind.FAIL, List.of("qemu", "sshd")), verdict);
    }

    @Test
    void verdict_allPresent_runs() {
        HostEnvironment ci = new HostEnvironment(Map.of("CI", "true"), dir);
        assertEquals(Verdict.Kind.RUN,
                RequiresCondition.verdict(Component.values(), c -> Optional.empty(), ci).kind());
    }

    @Test
    void qemu_onThePath_isThere() throws Exception {
        Path bin = executable("qemu-system-x86_64", "#!/bin/sh\n");
        assertEquals(Optional.empty(), Component.QEMU.missing(env(Map.of("PATH", bin.getParent().toString()))));
    }

    @Test
    void qemu_neitherOnThePathNorConfigured_saysHowToInstallIt() {
        assertEquals(Optional.of("QEMU (apt-get install qemu-system-x86, or set JCAP_QEMU):"
                + " qemu-system-x86_64 is not on the PATH"), Component.QEMU.missing(env(Map.of("PATH", dir.toString()))));
    }

    @Test
    void qemu_jcapQemuNamingNoProgram_saysSo() {
        Path none = dir.resolve("qemu");
        assertEquals(Optional.of("QEMU: JCAP_QEMU names " + none + ", which is not an executable file"),
                Component.QEMU.missing(env(Map.of("JCAP_QEMU", none.toString()))));
    }

    @Test
    void linuxKernel_inJcapHome_isThere_andMissingNamesTheStore() throws Exception {
        HostEnvironment env = env(Map.of("JCAP_HOME", dir.toString()));
        assertEquals(Optional.of("the Linux kernel (bin/jcap kernels pull linux): no kernel 'linux' in "
                + dir.resolve("kernels")), Component.LINUX_KERNEL.missing(env));
        Files.createDirectories(dir.resolve("kernels/linux"));
        Files.writeString(dir.resolve("kernels/linux/kernel.json"), "{}");
        assertEquals(Optional.empty(), Component.LINUX_KERNEL.missing(env));
    }

    @Test
    void linuxKernel_withoutJcapHome_looksInTheUsersDotJcap() throws Exception {
        Files.createDirectories(dir.resolve(".jcap/kernels/linux"));
        Files.writeString(dir.resolve(".jcap/kernels/linux/kernel.json"), "{}");
        assertEquals(Optional.empty(), Component.LINUX_KERNEL.missing(env(Map.of())));
    }

    @Test
    void libvirt_withoutVirsh_saysHowToInstallIt() {
        assertEquals(Optional.of("libvirt (apt-get install libvirt-daemon-system libvirt-clients, then bash"
                + " scripts/start-services.sh): virsh is not on the PATH"),
                Component.LIBVIRT.missing(env(Map.of("PATH", dir.toString()))));
    }

    @Test
    void libvirt_virshFailing_reportsItsAnswerAndHowToStartLibvirtd() throws Exception {
        Path bin = executable("virsh", "#!/bin/sh\necho 'error: failed to connect to the hypervisor' >&2\nexit 1\n");
        Optional<String> missing = Component.LIBVIRT.missing(env(Map.of("PATH", bin.getParent().toString())));
        assertEquals(Optional.of("libvirt at qemu:///system (start libvirtd: bash scripts/start-services.sh):"
                + " virsh -c qemu:///system version exited with 1: error: failed to connect to the hypervisor"), missing);
    }

    @Test
    void libvirt_virshAnswering_isThere() throws Exception {
        Path bin = executable("virsh", "#!/bin/sh\n[ \"$*\" = '-c qemu:///system version' ] || exit 2\n");
        assertEquals(Optional.empty(), Component.LIBVIRT.missing(env(Map.of("PATH", bin.getParent().toString()))));
    }

    @Test
    void sshd_withoutSshKeygen_saysWhichPackagesToInstall() {
        Optional<String> missing = Component.SSHD.missing(env(Map.of("PATH", dir.toString())));
        assertEquals(Optional.of("sshd and ssh-keygen (apt-get install openssh-server openssh-client)"), missing);
        assertTrue(Files.isExecutable(Component.SSHD_BINARY) || missing.isPresent());
    }

    @Test
    void containerTools_namesTheFirstToolMissing_andAllOnThePathAreThere() throws Exception {
        Path bin = executable("umoci", "#!/bin/sh\n").getParent();
        assertEquals(Optional.of("container image tools (apt-get install umoci skopeo, as scripts/setup.sh does):"
                + " skopeo is not on the PATH"), Component.CONTAINER_TOOLS.missing(env(Map.of("PATH", bin.toString()))));
        executable("skopeo", "#!/bin/sh\n");
        executable("tar", "#!/bin/sh\n");
        assertEquals(Optional.empty(), Component.CONTAINER_TOOLS.missing(env(Map.of("PATH", bin.toString()))));
    }

    private HostEnvironment env(Map<String, String> variables) {
        return new HostEnvironment(variables, dir);
    }

    private Path executable(String name, String script) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path file = Files.writeString(bin.resolve(name), script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
