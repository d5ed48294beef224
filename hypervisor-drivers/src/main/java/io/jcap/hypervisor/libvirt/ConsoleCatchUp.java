package io.jcap.hypervisor.libvirt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a domain's console stream did not deliver before it ended, taken from the console's log.
 *
 * <p>The stream reads a pseudo-terminal that QEMU holds, and a pseudo-terminal drops what its
 * reader has not read yet when its other end closes. libvirt destroys a domain as soon as its guest
 * powers off (its QEMU driver has no {@code on_poweroff} that keeps QEMU), so whatever libvirtd had
 * not yet read from the terminal at that moment never reaches the stream: the guest's last lines,
 * and with them the init's exit status line. QEMU writes every byte the terminal took to the serial
 * port's log as well ({@code <log file=.../>}, written by virtlogd, which rotates it into
 * {@code console.log.0} at 2 MiB). So once the stream ended, the log's last bytes are searched for
 * the stream's last {@value #ANCHOR} bytes, and what follows them in the log is what the stream
 * lost; usually nothing.
 *
 * <p>When the stream's last bytes occur more than once in the log's tail (a program that prints
 * the same lines over and over), the last occurrence counts: what is recovered is then all that
 * follows the repetition, such as the exit status line, and some repeated lines may stay missing.
 *
 * <pre>{@code
 * ConsoleCatchUp catchUp = new ConsoleCatchUp();
 * catchUp.received(buffer, n);                                   // for each read of the stream
 * byte[] lost = catchUp.missing(window -> ConsoleCatchUp.tail(files, log, window)).orElseThrow();
 * }</pre>
 */
final class ConsoleCatchUp {
    /** How many of the stream's last bytes are looked for in the log. */
    static final int ANCHOR = 4096;
    /** How much of the log's end is read: the first size nearly always finds the stream's end. */
    private static final int[] WINDOWS = {64 * 1024, 2 * 1024 * 1024};
    /** How long the log may lag behind the stream: virtlogd writes it from a pipe of QEMU's. */
    private static final Duration LOG_LAG = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofMillis(100);

    /** The last bytes received, in a ring. */
    private final byte[] recent = new byte[ANCHOR];
    private long received;

    /** The end of the log, up to {@code window} bytes; empty when it has no file. */
    interface LogTail {
        Optional<byte[]> read(int window) throws IOException;
    }

    /** Notes the first {@code n} bytes of {@code buffer}, just read from the stream. */
    void received(byte[] buffer, int n) {
        int from = Math.max(0, n - ANCHOR);
        received += from;
        for (int i = from; i < n; i++) {
            recent[(int) (received++ % ANCHOR)] = buffer[i];
        }
    }

    /** How many bytes the stream delivered. */
    long total() {
        return received;
    }

    /**
     * The bytes the log holds after the stream's last ones; none when the log has no file (the
     * domain's folder is gone); empty when the stream's end is not found in the log within
     * {@link #LOG_LAG}.
     */
    Optional<byte[]> missing(LogTail log) throws IOException, InterruptedException {
        byte[] anchor = anchor();
        long deadline = System.nanoTime() + LOG_LAG.toNanos();
        while (true) {
            for (int window : WINDOWS) {
                Optional<byte[]> tail = log.read(window);
                if (tail.isEmpty()) {
                    return Optional.of(new byte[0]);
                }
                Optional<byte[]> after = after(tail.get(), anchor);
                if (after.isPresent()) {
                    return after;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                return Optional.empty();
            }
            Thread.sleep(RETRY.toMillis());
        }
    }

    /** What follows the last occurrence of {@code anchor} in {@code tail}; all of it for an empty anchor. */
    static Optional<byte[]> after(byte[] tail, byte[] anchor) {
        if (anchor.length == 0) {
            return Optional.of(tail);
        }
        for (int start = tail.length - anchor.length; start >= 0; start--) {
            if (Arrays.equals(tail, start, start + anchor.length, anchor, 0, anchor.length)) {
                return Optional.of(Arrays.copyOfRange(tail, start + anchor.length, tail.length));
            }
        }
        return Optional.empty();
    }

    /**
     * The last {@code window} bytes of the log {@code file} on the libvirt host, across one
     * rotation ({@code file.0}, then {@code file}); empty when there is no {@code file}.
     */
    static Optional<byte[]> tail(HostFiles files, String file, int window) throws IOException {
        long size = files.size(file);
        if (size < 0) {
            return Optional.empty();
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        if (size < window) {
            long rotated = files.size(file + DomainXml.LOG_ROTATED_SUFFIX);
            if (rotated > 0) {
                long from = Math.max(0, rotated - (window - size));
                readRange(files, file + DomainXml.LOG_ROTATED_SUFFIX, from, rotated - from, tail);
            }
        }
        long from = Math.max(0, size - window);
        readRange(files, file, from, size - from, tail);
        return Optional.of(tail.toByteArray());
    }

    private byte[] anchor() {
        int length = (int) Math.min(received, ANCHOR);
        byte[] anchor = new byte[length];
        for (int i = 0; i < length; i++) {
            anchor[i] = recent[(int) ((received - length + i) % ANCHOR)];
        }
        return anchor;
    }

    private static void readRange(HostFiles files, String file, long offset, long length, ByteArrayOutputStream to)
            throws IOException {
        long done = 0;
        while (done < length) {
            byte[] chunk = new byte[(int) Math.min(length - done, 256 * 1024)];
            int n = files.read(file, offset + done, chunk);
            if (n <= 0) {
                return;
            }
            to.write(chunk, 0, n);
            done += n;
        }
    }
}
