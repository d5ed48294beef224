package io.jcap.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A part of the test machine that integration tests need. Each probe is cheap (a file check, or
 * one bounded {@code virsh} call) and uses no jcap main code, so every module's tests can use it.
 * A probe answers what is missing and how to install it, or nothing when the component is there.
 */
public enum Component {
    /** {@code qemu-system-x86_64} from {@code JCAP_QEMU} or the {@code PATH}. */
    QEMU {
        @Override
        Optional<String> missing(HostEnvironment env) {
            Optional<String> configured = env.variable("JCAP_QEMU");
            if (configured.isPresent()) {
                return Files.isExecutable(Path.of(configured.get())) ? Optional.empty()
                        : Optional.of("QEMU: JCAP_QEMU names " + configured.get() + ", which is not an executable file");
            }
            return env.onPath("qemu-system-x86_64").isPresent() ? Optional.empty() : Optional.of(
                    "QEMU (apt-get install qemu-system-x86, or set JCAP_QEMU): qemu-system-x86_64 is not on the PATH");
        }
    },
    /** A libvirtd that answers on {@code qemu:///system}. */
    LIBVIRT {
        @Override
        Optional<String> missing(HostEnvironment env) {
            Optional<Path> virsh = env.onPath("virsh");
            if (virsh.isEmpty()) {
                return Optional.of("libvirt (apt-get install libvirt-daemon-system libvirt-clients, then bash"
                        + " scripts/start-services.sh): virsh is not on the PATH");
            }
            return virshVersion(virsh.get()).map(problem -> "libvirt at qemu:///system (start libvirtd: bash"
                    + " scripts/start-services.sh): " + problem);
        }
    },
    /** The Linux kernel {@code jcap kernels pull linux} stored in the jcap home ({@code JCAP_HOME} or ~/.jcap). */
    LINUX_KERNEL {
        @Override
        Optional<String> missing(HostEnvironment env) {
            Path kernels = env.jcapHome().resolve("kernels");
            return Files.isRegularFile(kernels.resolve("linux").resolve("kernel.json")) ? Optional.empty()
                    : Optional.of("the Linux kernel (bin/jcap kernels pull linux): no kernel 'linux' in " + kernels);
        }
    },
    /** The tools that make cloud-init seeds: {@code cloud-localds}, {@code genisoimage}, {@code isoinfo}. */
    SEED_TOOLS {
        @Override
        Optional<String> missing(HostEnvironment env) {
            return firstMissing(env, "cloud-init seed tools (apt-get install cloud-image-utils genisoimage"
                    + " dosfstools mtools)", "cloud-localds", "genisoimage", "isoinfo", "mkfs.vfat", "mcopy");
        }
    },
    /** An OpenSSH server to start and {@code ssh-keygen} to make its keys. */
    SSHD {
        @Override
        Optional<String> missing(HostEnvironment env) {
            return Files.isExecutable(SSHD_BINARY) && env.onPath("ssh-keygen").isPresent() ? Optional.empty()
                    : Optional.of("sshd and ssh-keygen (apt-get install openssh-server openssh-client)");
        }
    },
    /** Keystone and Glance on 127.0.0.1, as {@code scripts/openstack-services.sh} sets them up ({@link OpenStackCloud}). */
    OPENSTACK {
        @Override
        Optional<String> missing(HostEnvironment env) {
            return OpenStackCloud.problem(env).map(problem -> "Keystone and Glance (bash scripts/setup.sh, then bash"
                    + " scripts/start-services.sh): " + problem);
        }
    },
    /** Azurite's Blob service, {@code azurite-blob}, which {@link Azurite} starts for a test. */
    AZURITE {
        @Override
        Optional<String> missing(HostEnvironment env) {
            return env.onPath("azurite-blob").isPresent() ? Optional.empty()
                    : Optional.of("Azurite (bash scripts/setup.sh, or npm install -g azurite@3): azurite-blob is not on the PATH");
        }
    },
    /** The OCI registries {@code scripts/registry-services.sh} runs on 127.0.0.1, and skopeo ({@link LocalRegistry}). */
    REGISTRY {
        @Override
        Optional<String> missing(HostEnvironment env) {
            return LocalRegistry.problem(env).map(problem -> "the test registries (bash scripts/setup.sh, then bash"
                    + " scripts/start-services.sh): " + problem);
        }
    },
    /** umoci and skopeo, which tests use to make container images from folders ({@code from:} tests). */
    CONTAINER_TOOLS {
        @Override
        Optional<String> missing(HostEnvironment env) {
            return firstMissing(env, "container image tools (apt-get install umoci skopeo, as scripts/setup.sh does)",
                    "umoci", "skopeo", "tar");
        }
    };

    static final Path SSHD_BINARY = Path.of("/usr/sbin/sshd");
    /** libvirtd's first answer waits while it probes QEMU (~12 s on a slow machine). */
    private static final long VIRSH_SECONDS = 60;

    /** What is missing and how to install it; empty when the component is there. */
    abstract Optional<String> missing(HostEnvironment env);

    /** The first of {@code tools} not on the PATH, named after {@code what} (which says how to install them). */
    private static Optional<String> firstMissing(HostEnvironment env, String what, String... tools) {
        for (String tool : tools) {
            if (env.onPath(tool).isEmpty()) {
                return Optional.of(what + ": " + tool + " is not on the PATH");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> virshVersion(Path virsh) {
        String command = "virsh -c qemu:///system version";
        try {
            Process p = new ProcessBuilder(virsh.toString(), "-c", "qemu:///system", "version")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(VIRSH_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(command + " did not answer within " + VIRSH_SECONDS + " s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? Optional.empty()
                    : Optional.of(command + " exited with " + p.exitValue() + ": " + output);
        } catch (IOException e) {
            return Optional.of(command + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(command + " was interrupted");
        }
    }
}
