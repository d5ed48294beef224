package io.jcap.hypervisor;

import io.jcap.formats.DiskFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The tiny guests of the QEMU and libvirt tests: a boot sector on a raw virtio disk in 32 MiB
 * of memory, which boots in a fraction of a second under TCG, and the guest that prints
 * {@link #SPIN_LINE} and runs until stopped, also in a child JVM whose end the shutdown tests watch.
 *
 * <pre>{@code
 * VmSpec spec = SpinningGuest.bootSectorSpec(dir, BootSector.printThenHalt(SpinningGuest.SPIN_LINE), d -> d).build();
 * }</pre>
 */
public final class SpinningGuest {
    /** The line the spinning guest prints before it halts for ever. */
    public static final String SPIN_LINE = "JCAP-SPIN";
    private static final Duration BOOT = Duration.ofSeconds(60);

    private SpinningGuest() {
    }

    /**
     * A guest booting {@code sector} from a disk written in {@code dir}; {@code drive} adapts the
     * disk to the driver (libvirt wants a snapshot drive, which it stages for QEMU's user).
     */
    public static VmSpec.Builder bootSectorSpec(Path dir, byte[] sector, UnaryOperator<Drive> drive) throws IOException {
        Path disk = dir.resolve("disk.img");
        BootSector.writeDisk(sector, disk);
        return VmSpec.builder().memoryMiB(32).drive(drive.apply(Drive.virtio(disk, DiskFormat.RAW).withBootIndex(0)));
    }

    /**
     * The body of a child JVM's main: starts {@code vm} (a spinning guest), prints {@code VM }
     * and what {@code identity} says (what the parent test checks after the JVM ends), and waits
     * until the JVM is told to end.
     */
    public static void spinUntilKilled(VirtualMachine vm, Supplier<String> identity) throws Exception {
        vm.start();
        vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);
        System.out.println("VM " + identity.get());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Starts a child JVM on this test's class path running {@code main} (which calls {@link #spinUntilKilled}) with {@code dir}. */
    public static Process startChild(Class<?> main, Path dir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"), main.getName(),
                dir.toString())).redirectErrorStream(true).start();
    }

    /** Waits (90 s at most) for the child's {@code VM ...} line and returns its words: "VM", then the identity's. */
    public static String[] awaitVmLine(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> firstVmLine(out)).get(90, TimeUnit.SECONDS).split(" ");
    }

    private static String firstVmLine(BufferedReader out) {
        try {
            StringBuilder seen = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("VM ")) {
                    return line;
                }
                seen.append(line).append('\n');
            }
            throw new IllegalStateException("the child JVM ended without starting its guest:\n" + seen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
