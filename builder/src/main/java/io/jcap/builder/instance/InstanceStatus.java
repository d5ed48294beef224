package io.jcap.builder.instance;

import java.util.OptionalInt;

/**
 * Whether a detached instance runs, and if not how it ended, as {@code jcap ps} shows it:
 * {@code running}, {@code exited (0)}, {@code exited (stopped)}, {@code exited (error)},
 * {@code exited (killed)}.
 *
 * @param exitStatus the application's exit status, for {@link Ending#EXITED}
 */
public record InstanceStatus(Ending ending, OptionalInt exitStatus) {
    /** How an instance ended; {@link #RUNNING} while it has not. */
    public enum Ending {
        RUNNING,
        /** The application exited and the guest reported its status. */
        EXITED,
        /** {@code jcap stop} ended QEMU before the application reported a status. */
        STOPPED,
        /** The guest init failed before or instead of starting the application. */
        ERROR,
        /** QEMU ended without the guest reporting anything: killed, crashed, or the host went down. */
        KILLED
    }

    public static final InstanceStatus RUNNING = new InstanceStatus(Ending.RUNNING, OptionalInt.empty());

    public InstanceStatus {
        if ((ending == Ending.EXITED) != exitStatus.isPresent()) {
            throw new IllegalArgumentException("an exit status goes with EXITED and only with it: " + ending + " "
                    + exitStatus);
        }
    }

    public static InstanceStatus exited(int status) {
        return new InstanceStatus(Ending.EXITED, OptionalInt.of(status));
    }

    public static InstanceStatus ended(Ending ending) {
        return new InstanceStatus(ending, OptionalInt.empty());
    }

    public boolean running() {
        return ending == Ending.RUNNING;
    }

    /** {@code exited 3}, {@code stopped}...: how the status file records an ended instance. */
    String toRecord() {
        return ending == Ending.EXITED ? "exited " + exitStatus.getAsInt() : ending.name().toLowerCase(java.util.Locale.ROOT);
    }

    static InstanceStatus fromRecord(String text) {
        String t = text.strip();
        if (t.matches("exited \\d{1,3}")) {
            return exited(Integer.parseInt(t.substring("exited ".length())));
        }
        for (Ending e : Ending.values()) {
            if (e != Ending.RUNNING && e != Ending.EXITED && e.name().equalsIgnoreCase(t)) {
                return ended(e);
            }
        }
        throw new IllegalArgumentException("not an instance status: " + t);
    }

    @Override
    public String toString() {
        return switch (ending) {
            case RUNNING -> "running";
            case EXITED -> "exited (" + exitStatus.getAsInt() + ")";
            default -> "exited (" + ending.name().toLowerCase(java.util.Locale.ROOT) + ")";
        };
    }
}
