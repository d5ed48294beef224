package io.jcap.hypervisor.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.hypervisor.ConsoleLog;
import io.jcap.hypervisor.VmException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.Stream;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.StreamPointer;

/**
 * A domain's serial console opened as a libvirt stream ({@code virsh console}'s way, local or over
 * {@code qemu+ssh}): what the guest prints is read from it into the console log, and with
 * {@code jcap run -i} what jcap types is sent on it.
 *
 * <p>The domain is created paused and resumed once the stream is open, so the guest's first line
 * is not lost to a console nobody had open. The stream carries the guest's pace both ways: when
 * jcap reads slowly (its output goes to a slow pipe), the pseudo-terminal behind the stream fills
 * and the guest waits, as it does with QEMU's own console pipe, so nothing is dropped on the way.
 * What the stream cannot carry, the bytes the terminal held when QEMU closed it, is taken from
 * the console's log once the stream ended ({@link ConsoleCatchUp}).
 *
 * <p>A stream that goes quiet while the console's log grows is not waited for: now and then the
 * stream delivered a guest's first line only once the domain was destroyed, or not at all, though
 * QEMU had written it (it was in the log); why was not found. A watch passes on what the log
 * holds beyond the bytes passed so far once the stream was quiet for {@value #QUIET_SECONDS} s,
 * and the stream's copies of those bytes, should they come, are skipped ({@link ConsoleFeed}).
 *
 * <p>libvirt-java binds no {@code virDomainOpenConsole}, so that one function is bound here with
 * JNA (which libvirt-java itself uses), on the pointers libvirt-java's domain and stream hold.
 */
final class LibvirtConsole implements AutoCloseable {
    private static final Duration CLOSE_JOIN = Duration.ofSeconds(2);
    /** How long the stream may be quiet, with the reader waiting in it, before the log is looked at. */
    private static final int QUIET_SECONDS = 2;
    /** The longest pause between two looks at the log while the stream is quiet and the log is not growing. */
    private static final Duration LONGEST_LOOK = Duration.ofSeconds(4);

    /** The calls libvirt-java leaves out. */
    private interface ConsoleCalls extends Library {
        int virDomainOpenConsole(DomainPointer domain, String devName, StreamPointer stream, int flags);

        String virGetLastErrorMessage();
    }

    private static volatile ConsoleCalls calls;

    private final Stream stream;
    private final Thread reader;
    private final Thread logWatch;
    private final OutputStream input;
    private final ConsoleLog log;
    private final ConsoleLineSplitter lines;
    private final ConsoleCatchUp catchUp = new ConsoleCatchUp();
    private final ConsoleCatchUp.LogTail logTail;
    private final ConsoleFeed.LogFile logFile;
    private final ConsoleFeed feed;
    /** Since when the reader waits in the stream (System.nanoTime). */
    private volatile long waitingSince = System.nanoTime();
    /** Whether the reader waits in the stream, rather than passing bytes on to a slow listener. */
    private volatile boolean receiving;
    private final CountDownLatch streamEnded = new CountDownLatch(1);
    private final Consumer<String> notes;
    /** Lines passed on so far: a reader whose listener is slow still makes progress. */
    private volatile long linesPassed;
    private volatile String readError;
    private volatile boolean closing;

    private LibvirtConsole(Stream stream, String domainName, ConsoleLog log, Consumer<String> listener,
            HostFiles files, String logPath, Consumer<String> notes) {
        this.stream = stream;
        this.log = log;
        this.logTail = window -> ConsoleCatchUp.tail(files, logPath, window);
        this.logFile = ConsoleFeed.LogFile.of(files, logPath);
        this.notes = notes;
        this.lines = new ConsoleLineSplitter(text -> {
            log.append(text);
            listener.accept(text);
            linesPassed++;
        });
        this.feed = new ConsoleFeed((bytes, n) -> {
            catchUp.received(bytes, n);
            lines.accept(bytes, n);
        });
        this.reader = new Thread(this::read, "jcap-libvirt-console-" + domainName);
        this.reader.setDaemon(true);
        this.logWatch = new Thread(this::watchLog, "jcap-libvirt-console-log-" + domainName);
        this.logWatch.setDaemon(true);
        this.input = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                byte[] rest = Arrays.copyOfRange(bytes, offset, offset + length);
                try {
                    while (rest.length > 0) {
                        int sent = stream.send(rest);
                        if (sent <= 0) {
                            throw new IOException("the console of libvirt domain " + domainName + " took no input");
                        }
                        rest = Arrays.copyOfRange(rest, sent, rest.length);
                    }
                } catch (LibvirtException e) {
                    throw new IOException("the console of libvirt domain " + domainName + ": "
                            + LibvirtConnections.message(e), e);
                }
            }
        };
    }

    /**
     * Opens the first console of {@code domain} (created paused), named {@code domainName}, on
     * {@code connect}, and starts reading it into {@code log}; the caller resumes the domain.
     * {@code logPath} is the console's log file on the host of {@code files}, for what the stream
     * did not deliver; {@code notes} hears about a log that could not be checked.
     */
    static LibvirtConsole open(Connect connect, Domain domain, String domainName, ConsoleLog log,
            Consumer<String> listener, HostFiles files, String logPath, Consumer<String> notes) throws VmException {
        Stream stream = null;
        try {
            stream = connect.streamNew(0);
            ConsoleCalls c = calls();
            if (c.virDomainOpenConsole(pointer(domain), null, streamPointer(stream), 0) < 0) {
                throw new VmException("libvirt could not open the console of domain " + domainName + ": "
                        + c.virGetLastErrorMessage(), OptionalInt.empty(), List.of());
            }
            LibvirtConsole console = new LibvirtConsole(stream, domainName, log, listener, files, logPath, notes);
            console.reader.start();
            console.logWatch.start();
            return console;
        } catch (LibvirtException e) {
            throw new VmException("libvirt could not open the console of domain " + domainName + ": "
                    + LibvirtConnections.message(e), OptionalInt.empty(), List.of(), e);
        } catch (VmException e) {
            abortQuietly(stream);
            throw e;
        } catch (RuntimeException e) {
            // This libvirt-java keeps its pointers elsewhere (see pointer): said, not a crash that
            // would skip the clean-up of the domain.
            abortQuietly(stream);
            throw new VmException("jcap cannot open the console of libvirt domain " + domainName + ": "
                    + e.getMessage(), OptionalInt.empty(), List.of(), e);
        }
    }

    /** What {@code jcap run -i} writes: bytes typed into the guest's serial console. */
    OutputStream input() {
        return input;
    }

    /**
     * Waits until the log ended: the stream ends by itself with the domain. A reader that made no
     * progress for {@code bound} (no byte received, no line passed on) has its stream ended; one
     * that still passes lines on to a slow listener is waited for.
     */
    void join(Duration bound) {
        try {
            long seen = -1;
            while (true) {
                reader.join(bound.toMillis());
                // The volatile count first: what the reader wrote before its last line is then seen.
                long progress = linesPassed + catchUp.total();
                if (!reader.isAlive() || progress == seen) {
                    break;
                }
                seen = progress;
            }
            if (reader.isAlive()) {
                close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why reading the console failed, if it did. */
    String readError() {
        return readError;
    }

    /** Ends the stream (and so the log), waiting a moment for the reader. */
    @Override
    public void close() {
        closing = true;
        abortQuietly(stream);
        try {
            reader.join(CLOSE_JOIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        byte[] buffer = new byte[16384];
        try {
            while (true) {
                waitingSince = System.nanoTime();
                receiving = true;
                int n = stream.receive(buffer);
                receiving = false;
                if (n <= 0) {
                    break;
                }
                feed.fromStream(buffer, n);
            }
        } catch (LibvirtException e) {
            // The domain's end may come as an I/O error of its console; the watch tells ends apart.
            if (!closing) {
                readError = LibvirtConnections.message(e);
            }
        } finally {
            receiving = false;
            streamEnded.countDown();
            try {
                awaitLogWatch();
                catchUp();
            } finally {
                lines.finish();
                log.end();
            }
        }
    }

    /**
     * While the stream is open: when it was quiet for {@value #QUIET_SECONDS} s while the reader
     * waited in it, passes on what the log holds beyond the bytes passed so far. Looks less often
     * while nothing comes from either.
     */
    private void watchLog() {
        Duration pause = Duration.ofSeconds(QUIET_SECONDS);
        try {
            while (!streamEnded.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                long quiet = System.nanoTime() - waitingSince;
                if (!receiving || quiet < Duration.ofSeconds(QUIET_SECONDS).toNanos()) {
                    pause = Duration.ofSeconds(QUIET_SECONDS);
                    continue;
                }
                long taken = feed.fromLog(logFile);
                if (taken < 0) {
                    notes.accept("the console's log no longer follows its stream (rotated, or it holds bytes the"
                            + " stream never had): not read while the stream is quiet");
                    return;
                } else if (taken > 0) {
                    notes.accept("the console's stream was quiet for " + Duration.ofNanos(quiet).toSeconds()
                            + " s while its log grew: took " + taken + " bytes from the log");
                    pause = Duration.ofSeconds(QUIET_SECONDS);
                } else {
                    pause = pause.multipliedBy(2).compareTo(LONGEST_LOOK) > 0 ? LONGEST_LOOK : pause.multipliedBy(2);
                }
            }
        } catch (IOException e) {
            notes.accept("cannot read the console's log while its stream is quiet: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the log's watch to see the stream's end: not interrupted, since SFTP may not survive that. */
    private void awaitLogWatch() {
        try {
            logWatch.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes on what the log holds after the stream's last bytes. */
    private void catchUp() {
        try {
            byte[] missing = catchUp.missing(logTail).orElse(null);
            if (missing == null) {
                notes.accept("the end of the console's log does not hold the stream's last "
                        + Math.min(catchUp.total(), ConsoleCatchUp.ANCHOR) + " bytes; nothing taken from it");
            } else if (missing.length > 0) {
                notes.accept("took the console's last " + missing.length + " bytes from its log: the stream ended"
                        + " before it delivered them");
                feed.fromLogEnd(missing);
            }
        } catch (IOException e) {
            notes.accept("cannot read the console's log to check its end: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void abortQuietly(Stream stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.abort();
        } catch (LibvirtException e) {
            // ended with its domain already
        }
    }

    private static ConsoleCalls calls() {
        ConsoleCalls c = calls;
        if (c == null) {
            c = Native.load("virt", ConsoleCalls.class);
            calls = c;
        }
        return c;
    }

    private static DomainPointer pointer(Domain domain) {
        try {
            Field f = Domain.class.getDeclaredField("vdp");
            f.setAccessible(true);
            return (DomainPointer) f.get(domain);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this libvirt-java has no domain pointer where jcap reads it", e);
        }
    }

    private static StreamPointer streamPointer(Stream stream) {
        try {
            Method m = Stream.class.getDeclaredMethod("getVsp");
            m.setAccessible(true);
            return (StreamPointer) m.invoke(stream);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this libvirt-java has no stream pointer where jcap reads it", e);
        }
    }
}
