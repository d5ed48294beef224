package io.jcap.hypervisor.libvirt;

import java.io.IOException;
import java.util.Arrays;

/**
 * A domain's console output passed on once, byte for byte, from either of the two places that
 * carry it: the console's libvirt stream, read as it comes, and the console's log file, which
 * QEMU writes every byte the console took to as well.
 *
 * <p>Both hold the same bytes in the same order, so a byte's place in the log's first file is its
 * place in the stream: what one source passed on, the other skips. The log is read only when the
 * stream went quiet while the log grew (a stream that stopped delivering, see
 * {@link LibvirtConsole}). Before it is read, the bytes it holds before that place must be the last
 * ones passed on; once they are not (a QEMU that dropped bytes no reader had opened the terminal
 * for), or once virtlogd rotated the log, places no longer match and the log is left alone.
 *
 * <pre>{@code
 * ConsoleFeed feed = new ConsoleFeed((bytes, n) -> lines.accept(bytes, n));
 * feed.fromStream(buffer, n);     // for each read of the stream
 * feed.fromLog(logFile);          // when the stream is quiet: what the log holds beyond
 * }</pre>
 */
final class ConsoleFeed {
    private static final int CHUNK = 64 * 1024;
    /** How many of the last bytes passed on the log must hold before the place it is read from. */
    private static final int CHECKED = 256;
    /** How many of the last bytes passed on are kept, to check the stream's copies of them. */
    private static final int KEPT = 4096;

    private final Sink sink;
    /** Bytes passed on, from either source. */
    private long passed;
    /** Bytes the stream delivered. */
    private long streamed;
    /** Whether the log was seen rotated or out of step: it is not read again. */
    private boolean unusable;
    /** Whether the log held bytes the stream never had: every byte of the stream is passed on. */
    private boolean streamOnly;
    /** The last bytes passed on, in a ring. */
    private final byte[] recent = new byte[KEPT];

    /** Where the bytes go, each once, in order. */
    interface Sink {
        void accept(byte[] bytes, int n);
    }

    /** The console's log on the domain's host. */
    interface LogFile {
        /** The first file's size; -1 when it is gone. */
        long size() throws IOException;

        /** Reads from {@code offset} of the first file into {@code buffer}; 0 at its end. */
        int read(long offset, byte[] buffer) throws IOException;

        /** Whether virtlogd began a new file, so that the first one's places changed. */
        boolean rotated() throws IOException;

        /** The log {@code path} on the host of {@code files}. */
        static LogFile of(HostFiles files, String path) {
            return new LogFile() {
                @Override
                public long size() throws IOException {
                    return files.size(path);
                }

                @Override
                public int read(long offset, byte[] buffer) throws IOException {
                    return files.read(path, offset, buffer);
                }

                @Override
                public boolean rotated() throws IOException {
                    return files.size(path + DomainXml.LOG_ROTATED_SUFFIX) >= 0;
                }
            };
        }
    }

    ConsoleFeed(Sink sink) {
        this.sink = sink;
    }

    /** The first {@code n} bytes of {@code buffer}, just read from the stream: passes on those not passed yet. */
    synchronized void fromStream(byte[] buffer, int n) {
        long start = streamed;
        streamed += n;
        int known = streamOnly ? 0 : (int) Math.max(0, Math.min(n, passed - start));
        if (known > 0 && !alreadyPassed(start, buffer, known)) {
            // The log was out of step (it held bytes the stream never had): the stream alone counts.
            unusable = true;
            streamOnly = true;
            known = 0;
        }
        if (known == 0) {
            pass(buffer, n);
        } else if (known < n) {
            pass(Arrays.copyOfRange(buffer, known, n), n - known);
        }
    }

    /**
     * Passes on what {@code log} holds beyond the bytes passed so far; returns how many bytes that
     * was, or -1 when the log cannot be used (rotated, or its bytes before that place are not the
     * last ones passed on), now or at an earlier call.
     */
    synchronized long fromLog(LogFile log) throws IOException {
        if (unusable || (unusable = log.rotated() || !inStep(log))) {
            return -1;
        }
        long size = log.size();
        long before = passed;
        byte[] chunk = new byte[CHUNK];
        while (passed < size) {
            int n = log.read(passed, chunk);
            if (n <= 0) {
                break;
            }
            pass(chunk, n);
        }
        return passed - before;
    }

    /** Passes on {@code bytes} that follow the last ones passed (the log's end, once the stream ended). */
    synchronized void fromLogEnd(byte[] bytes) {
        pass(bytes, bytes.length);
    }

    /** Bytes passed on so far. */
    synchronized long passed() {
        return passed;
    }

    /** Whether the first {@code known} bytes of {@code buffer}, the stream's from {@code start}, were passed there. */
    private boolean alreadyPassed(long start, byte[] buffer, int known) {
        for (int i = 0; i < known; i++) {
            long at = start + i;
            if (at >= passed - KEPT && recent[(int) (at % KEPT)] != buffer[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the log holds the last bytes passed on where the stream had them. */
    private boolean inStep(LogFile log) throws IOException {
        int checked = (int) Math.min(passed, CHECKED);
        byte[] there = new byte[checked];
        int read = 0;
        while (read < checked) {
            byte[] chunk = new byte[checked - read];
            int n = log.read(passed - checked + read, chunk);
            if (n <= 0) {
                return false;
            }
            System.arraycopy(chunk, 0, there, read, n);
            read += n;
        }
        for (int i = 0; i < checked; i++) {
            if (there[i] != recent[(int) ((passed - checked + i) % KEPT)]) {
                return false;
            }
        }
        return true;
    }

    private void pass(byte[] bytes, int n) {
        sink.accept(bytes, n);
        for (int i = Math.max(0, n - KEPT); i < n; i++) {
            recent[(int) ((passed + i) % KEPT)] = bytes[i];
        }
        passed += n;
    }
}
