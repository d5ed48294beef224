package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.hypervisor.ConsoleLog;
import io.jcap.hypervisor.VmException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.libvirt.Connect;
import org.libvirt.Domain;

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
 * <p>The stream is read without blocking ({@link ConsoleStream} says why), looking again every
 * {@value #POLL_MILLIS} ms while libvirt holds nothing for it ({@value #QUIET_POLL_MILLIS} ms once it had
 * nothing for half a second). And a stream that goes quiet while
 * the console's log grows is not waited for: a watch passes on what the log holds beyond the bytes
 * passed so far once the stream was quiet for {@value #QUIET_SECONDS} s, and the stream's copies of
 * those bytes, should they come, are skipped ({@link ConsoleFeed}).
 */
final class LibvirtConsole implements AutoCloseable {
    private static final Duration CLOSE_JOIN = Duration.ofSeconds(2);
    /** How long the stream may be quiet, with the reader waiting in it, before the log is looked at. */
    private static final int QUIET_SECONDS = 2;
    /** The longest pause between two looks at the log while the stream is quiet and the log is not growing. */
    private static final Duration LONGEST_LOOK = Duration.ofSeconds(4);

    /** How long the reader waits before it looks again at a stream that had nothing. */
    private static final int POLL_MILLIS = 10;
    /**
     * How long it waits once the stream has had nothing for {@value #QUIET_POLLS} looks (half a
     * second): a foreground run of an idle server took 1% of a core at every 10 ms, 0.6% at this
     * pace, and the next line is late by this much at most.
     */
    private static final int QUIET_POLL_MILLIS = 50;
    private static final int QUIET_POLLS = 50;

    private final ConsoleStream stream;
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
    /** Whether bytes were typed into the console since the reader last looked at the stream. */
    private volatile boolean inputSent;
    private final CountDownLatch streamEnded = new CountDownLatch(1);
    private final Consumer<String> notes;
    /** Lines passed on so far: a reader whose listener is slow still makes progress. */
    private volatile long linesPassed;
    private volatile String readError;
    private volatile boolean closing;

    private LibvirtConsole(ConsoleStream stream, String domainName, ConsoleLog log, Consumer<String> listener,
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
                while (rest.length > 0) {
                    int sent;
                    try {
                        sent = stream.send(rest);
                    } catch (IOException e) {
                        throw new IOException("the console of libvirt domain " + domainName + ": " + e.getMessage(), e);
                    }
                    if (sent == ConsoleStream.NOTHING_YET) {
                        pause(POLL_MILLIS);
                        continue;
                    }
                    inputSent = true;
                    if (sent <= 0) {
                        throw new IOException("the console of libvirt domain " + domainName + " took no input");
                    }
                    rest = Arrays.copyOfRange(rest, sent, rest.length);
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
        ConsoleStream stream = ConsoleStream.open(connect, domain, domainName);
        LibvirtConsole console = new LibvirtConsole(stream, domainName, log, listener, files, logPath, notes);
        console.reader.start();
        console.logWatch.start();
        return console;
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
        stream.abort();
        try {
            reader.join(CLOSE_JOIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        byte[] buffer = new byte[16384];
        try {
            waitingSince = System.nanoTime();
            receiving = true;
            int empty = 0;
            while (true) {
                int n = stream.receive(buffer);
                if (n == ConsoleStream.NOTHING_YET) {
                    // What is typed (jcap run -i) is echoed at once: input starts the fast pace again.
                    empty = inputSent ? 0 : empty + 1;
                    inputSent = false;
                    pause(empty < QUIET_POLLS ? POLL_MILLIS : QUIET_POLL_MILLIS);
                    continue;
                }
                empty = 0;
                receiving = false;
                if (n == 0) {
                    break;
                }
                feed.fromStream(buffer, n);
                waitingSince = System.nanoTime();
                receiving = true;
            }
        } catch (IOException e) {
            // The domain's end may come as an I/O error of its console; the watch tells ends apart.
            if (!closing) {
                readError = e.getMessage();
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

    /**
     * A moment before the stream is asked again. An interrupted thread stops there: with its flag
     * set again, every later pause would end at once and the loop around it would spin.
     */
    private static void pause(int millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the console's stream had nothing to give or take");
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
}
