package io.jcap.hypervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The tiny guests of the QEMU and libvirt tests: a boot sector on a raw virtio disk in 32 MiB
 * of memory, which boots in a fraction of a second under TCG, and the guest that prints
 * {@link #SPIN_LINE} and runs until stopped.
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
}
