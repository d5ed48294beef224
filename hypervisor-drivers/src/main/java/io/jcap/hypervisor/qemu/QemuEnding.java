package io.jcap.hypervisor.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a detached guest's QEMU ended, as its {@link ConsoleLogKeeper} heard it on a QMP monitor of
 * its own: the {@code reason} of QEMU's {@code SHUTDOWN} event, or no event at all when QMP closed
 * without one (QEMU was killed with SIGKILL, or crashed). QEMU daemonizes, so nobody gets its exit
 * status; this is what tells a guest that powered off from one killed from outside.
 *
 * <p>The keeper writes the reason, one line, to {@link DetachedQemu.GuestFiles#ending()} before
 * it creates {@code console.log.done}.
 *
 * <pre>{@code
 * Optional<QemuEnding> ending = QemuEnding.read(files);   // GUEST_POWER_OFF after an ACPI power-off
 * }</pre>
 */
public enum QemuEnding {
    /** The guest powered off ({@code guest-shutdown}). */
    GUEST_POWER_OFF,
    /** The guest reset or panicked ({@code guest-reset}, {@code guest-panic}), which ends a QEMU run with {@code -no-reboot}. */
    GUEST_FAILURE,
    /** The host ended it: a signal such as SIGTERM ({@code host-signal}), QMP {@code quit}, and the like. */
    HOST,
    /** QMP closed without a {@code SHUTDOWN} event: QEMU was killed with SIGKILL, or crashed. */
    VANISHED;

    /** What the keeper records when QMP closed without a {@code SHUTDOWN} event. */
    static final String NO_EVENT = "no-event";

    /**
     * The ending a record names: QEMU's reason ({@code guest-shutdown}, {@code host-signal}...) or
     * {@link #NO_EVENT}; empty for a reason that says nothing about who ended the guest.
     */
    static Optional<QemuEnding> fromReason(String reason) {
        String r = reason.strip();
        if (r.equals(NO_EVENT)) {
            return Optional.of(VANISHED);
        }
        if (r.equals("guest-shutdown")) {
            return Optional.of(GUEST_POWER_OFF);
        }
        if (r.equals("guest-reset") || r.equals("guest-panic")) {
            return Optional.of(GUEST_FAILURE);
        }
        return r.startsWith("host-") ? Optional.of(HOST) : Optional.empty();
    }

    /**
     * The ending the keeper recorded for {@code files}' guest; empty when it recorded none (a
     * keeper that was killed, or an instance started before jcap recorded endings).
     */
    public static Optional<QemuEnding> read(DetachedQemu.GuestFiles files) {
        Path record = files.ending();
        try {
            if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return fromReason(Files.readString(record, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
