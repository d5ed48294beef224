package io.jcap.hypervisor.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What QEMU itself said when a domain failed to start, from the log libvirt keeps of each domain's
 * QEMU ({@code /var/log/libvirt/qemu/NAME.log} for the system daemon).
 *
 * <p>libvirt puts QEMU's error into its own message when it sees QEMU end while it waits for the
 * monitor. When QEMU ends before that wait began, libvirt says only "failed to connect to monitor
 * socket: Connection refused", and the reason (a host port another program holds, a file QEMU
 * cannot open) is in that log alone. Each start of a domain adds a section to the log, opened by a
 * "starting up" line; QEMU's own lines carry its program name after their time stamp.
 *
 * <pre>{@code
 * String said = QemuLog.explain(LibvirtConnections.message(e), files, RemoteConsole.qemuLogOf(name),
 *         name, events()::debug);
 * }</pre>
 */
final class QemuLog {
    /** How much of the log's end is read: a start's section is a few kilobytes. */
    private static final int WINDOW = 32 * 1024;
    private static final String SECTION_START = ": starting up libvirt";
    /** A QEMU line: an optional ISO time stamp, then the program's name and a colon. */
    private static final Pattern QEMU_LINE =
            Pattern.compile("^(?:\\d{4}-\\d\\d-\\d\\dT\\S+ )?(qemu-(?:system-|kvm)\\S*: .*)$");
    /** QEMU's note of the signal libvirt stopped it with: how it ended, not why it failed. */
    private static final String TERMINATED = ": terminating on signal";

    private QemuLog() {
    }

    /** QEMU's own lines in the last start's section of {@code log} (the log's end), time stamps left out. */
    static List<String> lastStartErrors(String log) {
        int start = log.lastIndexOf(SECTION_START);
        String section = start < 0 ? log : log.substring(start);
        List<String> said = new ArrayList<>();
        for (String line : section.split("\n")) {
            Matcher m = QEMU_LINE.matcher(line.strip());
            if (m.matches() && !line.contains(TERMINATED)) {
                said.add(m.group(1));
            }
        }
        return said;
    }

    /**
     * libvirt's {@code message} of a failed start of {@code domain}, followed by what QEMU said
     * (from its log {@code path} on the host of {@code files}: {@link RemoteConsole#qemuLogOf})
     * when libvirt's message does not hold it already. A log that cannot be read (it is root's) leaves the message
     * as it is, with a note to {@code notes}.
     */
    static String explain(String message, HostFiles files, String path, String domain, Consumer<String> notes) {
        Optional<byte[]> tail;
        try {
            tail = ConsoleCatchUp.tail(files, path, WINDOW);
        } catch (IOException | RuntimeException e) {
            notes.accept("cannot read QEMU's log " + path + " for why domain " + domain + " did not start: "
                    + e.getMessage());
            return message;
        }
        if (tail.isEmpty()) {
            return message;
        }
        List<String> said = lastStartErrors(new String(tail.get(), StandardCharsets.UTF_8)).stream()
                .filter(line -> !message.contains(line.substring(line.indexOf(": ") + 2)))
                .toList();
        return said.isEmpty() ? message : message + " (QEMU's log: " + String.join("; ", said) + ")";
    }
}
