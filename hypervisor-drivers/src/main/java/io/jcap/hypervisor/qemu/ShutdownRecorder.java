package io.jcap.hypervisor.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link ConsoleLogKeeper}'s QMP monitor: QEMU connects a control monitor to the keeper
 * ({@code -mon chardev=events,mode=control}), the keeper leaves QMP's negotiation mode and reads
 * the events QEMU sends every monitor, and, once QEMU closes it, records the reason of the first
 * {@code SHUTDOWN} (or {@link QemuEnding#NO_EVENT} when there was none) for {@link QemuEnding#read}.
 * It sends nothing but {@code qmp_capabilities}, so it cannot change the guest. JDK classes alone,
 * as the keeper.
 */
final class ShutdownRecorder {
    /** QMP's one JSON object per line: {@code {"event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}, ...}}. */
    private static final Pattern SHUTDOWN = Pattern.compile("\"event\"\\s*:\\s*\"SHUTDOWN\"");
    private static final Pattern REASON = Pattern.compile("\"reason\"\\s*:\\s*\"([a-z0-9-]{1,40})\"");

    private ShutdownRecorder() {
    }

    /**
     * Reads {@code monitor} until QEMU closes it, and writes the ending to {@code record}. A
     * connection QEMU breaks (it failed to start after connecting, or was killed) is an end like
     * another: nothing is said, since the keeper's complaints share QEMU's log, whose last line is
     * QEMU's reason for a failed start.
     */
    static void record(SocketChannel monitor, Path record) throws IOException {
        String reason = null;
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(monitor),
                    StandardCharsets.UTF_8));
            // The greeting first; every event after qmp_capabilities.
            if (in.readLine() != null) {
                ByteBuffer capabilities = ByteBuffer.wrap("{\"execute\": \"qmp_capabilities\"}\n"
                        .getBytes(StandardCharsets.US_ASCII));
                while (capabilities.hasRemaining()) {
                    monitor.write(capabilities);
                }
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (reason == null) {
                        reason = shutdownReason(line);
                    }
                }
            }
        } catch (IOException e) {
            // Broken pipe or reset by peer: QEMU went.
        }
        write(record, reason != null ? reason : QemuEnding.NO_EVENT);
    }

    /** The reason of a {@code SHUTDOWN} event's line, {@code unknown} when it has none; null for any other line. */
    static String shutdownReason(String line) {
        if (!SHUTDOWN.matcher(line).find()) {
            return null;
        }
        Matcher m = REASON.matcher(line);
        return m.find() ? m.group(1) : "unknown";
    }

    /** Writes {@code reason} and a newline, owner-only, never through a link put in the record's place. */
    private static void write(Path record, String reason) throws IOException {
        Files.deleteIfExists(record);
        try (FileChannel out = FileChannel.open(record, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(ConsoleLogKeeper.OWNER_ONLY))) {
            ByteBuffer bytes = ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
    }
}
