package io.jcap.builder.family.linux;

import io.jcap.builder.instance.ConsoleFollower;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.hypervisor.qemu.QemuEnding;
import io.jcap.streamer.ExitLine;
import io.jcap.streamer.GuestMarker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an instance's console log says. Its end, once the guest ended, says how: the init's
 * {@code JCAP-EXIT N} with the run's tag ({@link ExitLine}; without one, the last such line: an
 * application may print the text itself before), or a
 * {@code JCAP-ERROR}; only the tail is read, these lines come last. Its head says whether the
 * application started ({@link #applicationStarted}).
 */
final class ConsoleVerdict {
    /** The init's line before it starts the application; everything after it is the application's. */
    static final String START = GuestMarker.START;
    /** The init's line for a failure of its own. */
    static final int TAIL_BYTES = 64 * 1024;
    /** The boot messages before {@link #START} are few (the kernel is quiet): it lies in the first MiB. */
    static final int HEAD_BYTES = 1 << 20;

    private final OptionalInt exitStatus;
    private final boolean error;

    private ConsoleVerdict(OptionalInt exitStatus, boolean error) {
        this.exitStatus = exitStatus;
        this.error = error;
    }

    static ConsoleVerdict read(Path log, ExitLine end) {
        // No log (QEMU never wrote one) says nothing about the guest: it counts as killed.
        return parse(ConsoleFollower.tail(log, TAIL_BYTES), end);
    }

    static ConsoleVerdict parse(String text, ExitLine end) {
        OptionalInt exit = OptionalInt.empty();
        boolean error = false;
        for (String line : text.split("\r?\n")) {
            GuestMarker marker = GuestMarker.parse(line, end).orElse(null);
            if (marker instanceof GuestMarker.Exit e) {
                exit = OptionalInt.of(e.status());
            } else if (marker instanceof GuestMarker.Error) {
                error = true;
            }
        }
        return new ConsoleVerdict(exit, error);
    }

    OptionalInt exitStatus() {
        return exitStatus;
    }

    /**
     * The status of an ended guest: the exit status if reported, else stopped when jcap ended it,
     * else an error if the init reported one or the guest reset (a kernel panic, under {@code
     * panic=-1} and {@code -no-reboot}), else killed.
     */
    InstanceStatus status(boolean stoppedByJcap, Optional<QemuEnding> ending) {
        if (exitStatus.isPresent()) {
            return InstanceStatus.exited(exitStatus.getAsInt());
        }
        if (stoppedByJcap) {
            return InstanceStatus.ended(InstanceStatus.Ending.STOPPED);
        }
        boolean failed = error || ending.equals(Optional.of(QemuEnding.GUEST_FAILURE));
        return InstanceStatus.ended(failed ? InstanceStatus.Ending.ERROR : InstanceStatus.Ending.KILLED);
    }

    /**
     * Whether the init started the application: {@link #START} in the log's first {@value #HEAD_BYTES}
     * bytes, or a log that has rotated. A rotated log has more than its limit (8 MiB) behind it,
     * far more than the boot messages before {@link #START}.
     */
    static boolean applicationStarted(Path log) {
        if (ConsoleFollower.rotated(log)) {
            return true;
        }
        byte[] head = new byte[HEAD_BYTES];
        try (InputStream in = Files.newInputStream(log)) {
            int n = in.readNBytes(head, 0, head.length);
            return new String(head, 0, n, StandardCharsets.ISO_8859_1).contains(START);
        } catch (IOException e) {
            return false;
        }
    }
}
