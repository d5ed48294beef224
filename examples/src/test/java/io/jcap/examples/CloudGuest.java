package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boots a jcap-built Linux image straight from its stored boot files with QEMU, the way a cloud
 * would see it (DHCP, extra drives, a network of the test's choosing), and returns the console:
 * for the cloud-init tests, whose seed drives and metadata stand-ins {@code jcap run} does not make.
 */
final class CloudGuest {
    private CloudGuest() {
    }

    /** A small static program that prints its hostname, GREETING, arguments and the files cloud-init wrote. */
    static Path probeProject(Path dir) throws IOException {
        Path project = Files.createDirectories(dir.resolve("probe"));
        Files.writeString(project.resolve("probe.c"), """
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <stdlib.h>
                #include <sys/utsname.h>
                int main(int argc, char **argv) {
                    struct utsname u;
                    uname(&u);
                    printf("probe hostname=%s\\n", u.nodename);
                    printf("probe GREETING=%s\\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");
                    for (int i = 0; i < argc; i++)
                        printf("probe arg%d=%s\\n", i, argv[i]);
                    const char *files[] = { "/tmp/plain.txt", "/tmp/b64.txt", "/tmp/gz.txt" };
                    for (int i = 0; i < 3; i++) {
                        FILE *f = fopen(files[i], "r");
                        char line[256];
                        while (f && fgets(line, sizeof line, f))
                            printf("probe %s: %s", files[i], line);
                        if (f)
                            fclose(f);
                    }
                    return 0;
                }
                """);
        Files.writeString(project.resolve("Capstanfile"), "build: musl-gcc -static -Os -s -o probe probe.c\n"
                + "cmdline: /app/probe\nfiles:\n  /app/probe: probe\nmemory: 128M\n");
        return project;
    }

    /**
     * Boots image {@code name} of {@code home} with its own command line (DHCP, as on a cloud) plus
     * {@code qemuArgs}, on an overlay in {@code work}; the console once the guest powered off.
     */
    static String boot(Path home, String name, Path work, List<String> qemuArgs)
            throws IOException, InterruptedException {
        return boot(home, name, work, qemuArgs, "");
    }

    /** As {@link #boot(Path, String, Path, List)}, with {@code moreParameters} on the kernel's command line. */
    static String boot(Path home, String name, Path work, List<String> qemuArgs, String moreParameters)
            throws IOException, InterruptedException {
        Path image = home.resolve("images").resolve(name);
        Path boot = image.resolve("boot");
        Path overlay = work.resolve("overlay-" + System.nanoTime() + ".qcow2");
        Process create = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
                image.resolve("image.qcow2").toString(), overlay.toString()).inheritIO().start();
        assertEquals(0, create.waitFor(), "qemu-img create");
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-m",
                "256", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                "-kernel", boot.resolve("vmlinuz").toString(), "-initrd", boot.resolve("initrd.img").toString(),
                "-append", Files.readString(boot.resolve("append")).strip() + " jcap.debug=1" + moreParameters,
                "-drive", "file=" + overlay + ",if=virtio,format=qcow2"));
        command.addAll(qemuArgs);
        Path console = work.resolve("console-" + System.nanoTime() + ".txt");
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!qemu.waitFor(3, TimeUnit.MINUTES)) {
                fail("the guest did not power off within 3 minutes:\n" + Files.readString(console));
            }
        } finally {
            qemu.destroyForcibly();
            Files.deleteIfExists(overlay);
        }
        return Files.readString(console, StandardCharsets.UTF_8);
    }

    /** Runs a host tool in {@code dir}, failing the test with its output when it fails. */
    static void tool(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
    }
}
