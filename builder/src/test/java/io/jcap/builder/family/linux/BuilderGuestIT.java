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
import io.jcap.hypervisor.FirmwareFile;
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

    /**
     * Another local user reaching the builder's forwarded port before jcap does: a connection that
     * does not start with the token jcap gave the guest through fw_cfg is dropped unheard (no
     * reply, a line on the console), and the guest then takes the host's, which is heard (here a
     * refused entry, so that the guest answers at once).
     */
    @Test
    void stream_connectionWithoutTheBuildsToken_isDroppedAndTheNextWithItIsTaken() throws Exception {
        byte[] token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
                .getBytes(StandardCharsets.US_ASCII);
        Path tokenFile = Files.write(temp.resolve("token"), token);
        VmSpec spec = builderSpecOf("").firmwareFile(new FirmwareFile(BuilderVm.STREAM_TOKEN, tokenFile)).build();
        byte[] intruder = cpio(entry("/boot", 040755, new byte[0]), entry("/boot/x", 0100644, "x".getBytes()));
        byte[] refused = cpio(entry("/a", 040755, new byte[0]), entry("/a/../../etc/x", 0100644, "x".getBytes()));
        try (QemuVm vm = new QemuVm(TestMachine.qemu(), spec)) {
            vm.start();
            vm.awaitLine("readiness", l -> l.startsWith("JCAP-READY"), Duration.ofSeconds(120));
            int port = vm.hostPort(LinuxBoot.BUILDER_PORT);

            byte[] wrong = token.clone();
            wrong[0] = '1';
            assertEquals(null, exchange(port, wrong, intruder), "the guest says nothing to a connection without the token");
            vm.awaitLine("the guest's line on the dropped connection", l -> l.equals(BuilderVm.FOREIGN_CONNECTION
                    + "; waiting for the host's"), Duration.ofSeconds(60));
            assertEquals(null, exchange(port, new byte[0], intruder), "nor to one that sends the stream alone");

            String reply = exchange(port, token, refused);
            assertTrue(reply != null && reply.startsWith("ERR refused entry \"/a/../../etc/x\""), "reply: " + reply);
            assertEquals(0, vm.awaitExit(Duration.ofSeconds(60)));
            assertFalse(vm.consoleTail().stream().anyMatch(l -> l.contains("0123456789abcdef")), "the token is never printed");
        }
    }

    /** Connects, reads the banner, sends {@code prefix} and {@code stream}; the guest's reply line, or null at its end. */
    private static String exchange(int port, byte[] prefix, byte[] stream) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            InputStream in = socket.getInputStream();
            assertEquals("JCAP1", readLine(in));
            try {
                OutputStream out = socket.getOutputStream();
                out.write(prefix);
                out.write(stream);
                socket.shutdownOutput();
            } catch (IOException e) {
                // the guest may close as soon as it has refused: its reply is still readable
            }
            try {
                return readLine(in);
            } catch (java.net.SocketException e) {
                return null; // reset: the guest closed with our bytes unread
            }
        }
    }

    private VmSpec builderSpec(String extraAppend) throws Exception {
        return builderSpecOf(extraAppend).build();
    }

    private VmSpec.Builder builderSpecOf(String extraAppend) throws Exception {
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
                .userNetwork(PortForward.tcp(0, LinuxBoot.BUILDER_PORT)).noReboot(true);
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
