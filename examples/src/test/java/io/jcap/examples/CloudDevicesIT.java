package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One built image on the disks and network cards clouds give their machines, as QEMU emulates
 * them: the init loads their drivers by the devices' aliases and finds its root by UUID on
 * whichever disk device appears. The kernel is pulled into the test's own home, so it has the
 * drivers this jcap stores (a shared kernel may be older).
 */
class CloudDevicesIT {
    private static final String HELLO = "Hello from jcap, world!\n";
    private static final String GREETING = "Hello from jcap's http-server!\n";

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void pullKernelAndBuild() throws Exception {
        JcapProcess.requireMachine();
        Requirements.requireProgram("apt-get", "apt");
        jcap = JcapProcess.empty(temp.resolve("home"));
        JcapProcess.Result pull = jcap.run("kernels", "pull", "linux");
        assertEquals(0, pull.exitCode(), pull.toString());
        for (String example : new String[] {"hello", "http-server"}) {
            JcapProcess.Result build = jcap.run("build", "examples/" + example);
            assertEquals(0, build.exitCode(), build.toString());
        }
        JcapProcess.Result build = jcap.run("build", disksProject(temp).toString());
        assertEquals(0, build.exitCode(), build.toString());
    }

    /** A static program that prints each block device's read-ahead as the guest's kernel has it. */
    private static Path disksProject(Path dir) throws java.io.IOException {
        Path project = Files.createDirectories(dir.resolve("disks"));
        Files.writeString(project.resolve("disks.c"), """
                #include <dirent.h>
                #include <stdio.h>
                int main(void) {
                    DIR *d = opendir("/sys/block");
                    struct dirent *e;
                    while (d && (e = readdir(d))) {
                        char path[300];
                        int kb;
                        snprintf(path, sizeof path, "/sys/block/%s/queue/read_ahead_kb", e->d_name);
                        FILE *f = e->d_name[0] == '.' ? NULL : fopen(path, "r");
                        if (f && fscanf(f, "%d", &kb) == 1)
                            printf("read-ahead %s %d\\n", e->d_name, kb);
                        if (f)
                            fclose(f);
                    }
                    return 0;
                }
                """);
        Files.writeString(project.resolve("Capstanfile"), "build: musl-gcc -static -Os -s -o disks disks.c\n"
                + "cmdline: /app/disks\nfiles:\n  /app/disks: disks\n");
        return project;
    }

    /** The root is found on each bus, and its disk reads ahead 2 MiB at a time (the init sets it). */
    @ParameterizedTest(name = "{0} disk, {1} boot")
    @CsvSource({"virtio, disk, vda", "scsi, disk, sda", "nvme, disk, nvme0n1", "scsi, direct, sda",
            "nvme, direct, nvme0n1", "nvme, uefi, nvme0n1"})
    void run_onEachDiskBus_findsTheRootAndRunsTheApplication(String bus, String boot, String disk) throws Exception {
        JcapProcess.Result run = jcap.run("run", "--boot", boot, "--disk-bus", bus, "disks");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("read-ahead " + disk + " 2048\n"), run.toString());
    }

    /**
     * A disk boot takes its address by DHCP, so an answer through -p proves the card and the lease;
     * jcap stop then presses the power button.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"virtio", "vmxnet3"})
    void run_withEachNetworkCard_answersHttpThroughAForwardedPort(String model) throws Exception {
        int port = JcapProcess.freePort();
        String name = "web-" + model;
        JcapProcess.Result run = jcap.run("run", "-d", "--name", name, "--boot", "disk", "--nic-model", model,
                "--disk-bus", "nvme", "-p", port + ":8080", "http-server");
        assertEquals(0, run.exitCode(), run.toString());
        try {
            assertEquals(new Http.Answer(200, GREETING), Http.awaitAnswer(port, "/"));
            // The power button's input device is found too (evdev, loaded for a class device): a graceful stop.
            JcapProcess.Result stop = jcap.run("stop", name);
            assertEquals(0, stop.exitCode(), stop.toString());
            JcapProcess.Result logs = jcap.run("logs", name);
            assertFalse(logs.out().contains("no DHCP lease"), logs.toString());
            assertTrue(logs.out().contains("jcap-init: power button: stopping (SIGTERM) the application\n"),
                    logs.toString());
        } finally {
            jcap.run("rm", "-f", name);
        }
    }

    /**
     * The same disk through UEFI firmware (OVMF), as AWS, GCE and Azure Gen2 machines boot it:
     * GRUB from the EFI system partition, the kernel's EFI stub, DHCP, the power button.
     */
    @Test
    void run_underUefi_answersHttpThroughAForwardedPortAndStopsByThePowerButton() throws Exception {
        Requirements.require(java.nio.file.Files.isRegularFile(Path.of("/usr/share/ovmf/OVMF.fd")),
                "OVMF (apt-get install ovmf)");
        int port = JcapProcess.freePort();
        JcapProcess.Result run = jcap.run("run", "-d", "--name", "web-uefi", "--boot", "uefi", "-p", port + ":8080",
                "http-server");
        assertEquals(0, run.exitCode(), run.toString());
        try {
            assertEquals(new Http.Answer(200, GREETING), Http.awaitAnswer(port, "/"));
            JcapProcess.Result stop = jcap.run("stop", "web-uefi");
            assertEquals(0, stop.exitCode(), stop.toString());
            // -v: the whole console, the firmware's and GRUB's lines included
            JcapProcess.Result logs = jcap.run("logs", "-v", "web-uefi");
            assertTrue(logs.out().contains("Welcome to GRUB!"), logs.toString());
            assertTrue(logs.out().contains("jcap-init: power button: stopping (SIGTERM) the application\n"),
                    logs.toString());
        } finally {
            jcap.run("rm", "-f", "web-uefi");
        }
    }

    /** Debian's cloud kernel has no e1000e driver: the guest says so and the application still runs. */
    @Test
    void run_withACardTheKernelHasNoDriverFor_saysSoAndRunsOffline() throws Exception {
        // -v: the whole console, the init's lines before the application's included
        JcapProcess.Result run = jcap.run("run", "-v", "--boot", "disk", "--nic-model", "e1000e", "hello");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("jcap-init: no driver of this kernel took the network card "
                + "pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00; continuing without network\n"), run.toString());
        // -v shows the init's end as well: the status, then the power-off.
        assertTrue(run.out().contains("\nJCAP-START\n" + HELLO + "JCAP-EXIT 0\n"), run.toString());
    }
}
