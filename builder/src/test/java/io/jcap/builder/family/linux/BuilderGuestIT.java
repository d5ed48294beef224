package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.ImageBuilder;
import io.jcap.builder.TestMachine;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.hypervisor.qemu.QemuVm;
import io.jcap.kernels.BootLoader;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder guest (jcap's init in build mode) against hostile streams and sudden death. */
@Requires({Component.QEMU, Component.LINUX_KERNEL})
class BuilderGuestIT {
    @TempDir
    Path temp;

    @Test
    void stream_entryEscapingTheRoot_isRefusedAndTheGuestPowersOff() throws Exception {
        assertRefused(cpio(entry("/a", 040755, new byte[0]), entry("/a/../../etc/x", 0100644, "x".getBytes())),
                "ERR ");
    }

    @Test
    void stream_entryThroughASymlinkParent_isRefused() throws Exception {
        assertRefused(cpio(entry("/link", 0120777, "/".getBytes()), entry("/link/etc/x", 0100644, "x".getBytes())),
                "ERR ");
    }

    @Test
    void builder_nobodyConnects_failsAndPowersOffAfterTheBound() throws Exception {
        // What a builder guest does when its host went away before streaming: it gives up.
        try (QemuVm vm = new QemuVm(TestMachine.qemu(), builderSpec(" jcap.accept=3"))) {
            vm.start();
            vm.awaitLine("readiness", l -> l.startsWith("JCAP-READY"), Duration.ofSeconds(120));
            String error = vm.awaitLine("the guest's error line", l -> l.startsWith("JCAP-ERROR"), Duration.ofSeconds(60));
            assertEquals("JCAP-ERROR no connection within 3 s", error);
            assertEquals(0, vm.awaitExit(Duration.ofSeconds(60)));
        }
    }

    private VmSpec builderSpec(String extraAppend) throws Exception {
        Kernel kernel = TestMachine.linuxKernel();
        Path disk = temp.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(64 << 20);
        }
        new BootLoader().writeMbr(disk);
        Path initrd = temp.resolve("initrd.cpio");
        new Initramfs().writeBuilderInitramfs(kernel, initrd);
        return VmSpec.builder().accelerator(Accelerator.TCG).memoryMiB(256).kernel(kernel.vmlinuz())
                .initrd(initrd).append(LinuxBoot.builderAppend("ext4", LinuxBoot.rootUuid("test"), 64L << 20, 0)
                        + " jcap.part=1" + extraAppend)
                .drive(Drive.virtio(disk, DiskFormat.RAW))
                .userNetwork(PortForward.tcp(0, LinuxBoot.BUILDER_PORT)).noReboot(true).build();
    }

    private void assertRefused(byte[] stream, String replyPrefix) throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        VmSpec spec = builderSpec("");
        try (QemuVm vm = new QemuVm(qemu, spec)) {
            vm.start();
            vm.awaitLine("readiness", l -> l.startsWith("JCAP-READY"), Duration.ofSeconds(120));
            String reply;
            try (Socket socket = new Socket("127.0.0.1", vm.hostPort(LinuxBoot.BUILDER_PORT))) {
                socket.setSoTimeout(60_000);
                InputStream in = socket.getInputStream();
                assertEquals("JCAP1", readLine(in));
                OutputStream out = socket.getOutputStream();
                try {
                    out.write(stream);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the guest may close as soon as it has refused: its reply is still readable
                }
                reply = readLine(in);
            }
            assertTrue(reply != null && reply.startsWith(replyPrefix), "reply: " + reply);
            String error = vm.awaitLine("the guest's error line", l -> l.startsWith("JCAP-ERROR"), Duration.ofSeconds(30));
            assertEquals("JCAP-ERROR " + reply.substring(4), error);
            assertEquals(0, vm.awaitExit(Duration.ofSeconds(60)));
        }
    }

    @Test
    void build_guestDiesMidStream_reportsItWithTheConsoleAndLeavesNothingBehind() throws Exception {
        JcapHome home = TestMachine.homeWithKernels(temp.resolve("home"));
        Path project = temp.resolve("big");
        Files.createDirectories(project);
        try (RandomAccessFile f = new RandomAccessFile(project.resolve("blob").toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        Files.copy(Path.of("/bin/true"), project.resolve("prog"));
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /prog\nruntime: native\nfiles:\n  /prog: prog\n  /blob: blob\n");
        AtomicBoolean killed = new AtomicBoolean();
        EventSink killer = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String task, long done, long total) {
                if (total > 0 && done > total / 4 && killed.compareAndSet(false, true)) {
                    kill(home.root());
                }
            }
        };
        JcapException e = assertThrows(JcapException.class, () -> new ImageBuilder(home, killer)
                .build(new BuildRequest(project, java.util.Optional.of("big"), java.util.Optional.of(Accelerator.TCG), false)));
        assertTrue(killed.get(), e.getMessage());
        assertTrue(e.getMessage().contains("builder guest"), e.getMessage());
        assertTrue(e.getMessage().contains("last console lines:"), e.getMessage());
        assertFalse(Files.exists(home.images().resolve("big")));
        try (var left = Files.list(home.tmp())) {
            assertEquals(java.util.List.of(), left.toList());
        }
    }

    /** Kills the QEMU whose command line names a file under {@code root}: this test's builder VM. */
    private static void kill(Path root) {
        try {
            Process p = new ProcessBuilder("pkill", "-KILL", "-f", "qemu-system.*" + root).start();
            p.waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** A raw newc entry: what no jcap host would send, written by hand. */
    private static byte[] entry(String name, int mode, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        String header = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 1, mode, 0, 0, 1, 0,
                data.length, 0, 0, 0, 0, nameBytes.length, 0);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        pad(out);
        out.writeBytes(data);
        pad(out);
        return out.toByteArray();
    }

    private static byte[] cpio(byte[]... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : entries) {
            out.writeBytes(e);
        }
        out.writeBytes(entry("TRAILER!!!", 0, new byte[0]));
        return out.toByteArray();
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
