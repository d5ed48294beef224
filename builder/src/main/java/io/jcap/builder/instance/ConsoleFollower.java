package io.jcap.builder.instance;

import io.jcap.host.FileTail;
import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.hypervisor.libvirt.DomainXml;
import io.jcap.hypervisor.qemu.ConsoleLogKeeper;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a console log line by line, and with {@code follow} keeps reading what the guest appends
 * until the guest has ended: then the rest is read and the last, unfinished line passed on too.
 * Lines are cut as every jcap console reader cuts them ({@link ConsoleLineSplitter}).
 *
 * <p>The log rotates: {@code console.log.1} holds the part before {@code console.log} when jcap's
 * {@link ConsoleLogKeeper} rotated it, {@code console.log.0} when libvirt's virtlogd did (a
 * detached libvirt domain's console, rotated at 2 MiB; virtlogd keeps older parts as {@code .1}
 * and {@code .2}); both parts are read, in that order ({@link #previousPart}). A file is
 * recognised by its inode, not its name: a follower that reaches the end of the file it has open
 * and finds another file under the log's name reads its own file to the end (the previous part by
 * then) and goes on with the new one. Should the log rotate twice between two looks, a line says
 * that output may be missing there.
 */
public final class ConsoleFollower {
    /** How often a followed log is looked at again when nothing new was in it. */
    static final long POLL_MILLIS = 100;
    /** The line that stands for output rotated away before it could be read. */
    static final String SKIPPED = "[jcap: console output may be missing here: the log rotated more than once"
            + " between two reads]";

    private ConsoleFollower() {
    }

    /**
     * @param running whether the writer still runs; null reads what is there now and returns
     */
    public static void read(Path log, BooleanSupplier running, Consumer<String> lines) throws JcapException,
            InterruptedException {
        read(log, running, lines, () -> { });
    }

    /**
     * {@link #read(Path, BooleanSupplier, Consumer)}, telling {@code caughtUp} once, when the reader
     * first reached the end of what the log held (before it waits for more, when it follows).
     */
    public static void read(Path log, BooleanSupplier running, Consumer<String> lines, Runnable caughtUp)
            throws JcapException, InterruptedException {
        ConsoleLineSplitter splitter = new ConsoleLineSplitter(lines);
        try {
            new Reader(log, splitter, lines, caughtUp).read(running);
        } catch (IOException e) {
            throw new JcapException("cannot read the console log " + log + ": " + e.getMessage(), e);
        }
        splitter.finish();
    }

    /** One read of a log: the files read to their end so far, and the one being read. */
    private static final class Reader {
        private final Path log;
        private final ConsoleLineSplitter splitter;
        private final Consumer<String> lines;
        private final Set<Object> readToTheEnd = new HashSet<>();
        private InputStream in;
        private Object key;
        private Runnable caughtUp;

        Reader(Path log, ConsoleLineSplitter splitter, Consumer<String> lines, Runnable caughtUp) {
            this.log = log;
            this.splitter = splitter;
            this.lines = lines;
            this.caughtUp = caughtUp;
        }

        void read(BooleanSupplier running) throws IOException, InterruptedException {
            try {
                if (!openNext()) {
                    return;
                }
                byte[] buffer = new byte[8192];
                boolean lastRound = running == null;
                while (true) {
                    int n = in == null ? -1 : in.read(buffer);
                    if (n > 0) {
                        splitter.accept(buffer, n);
                        continue;
                    }
                    Object now = key(log);
                    if (now != null && !now.equals(key)) {
                        openNext();
                        continue;
                    }
                    if (caughtUp != null) {
                        caughtUp.run();
                        caughtUp = null;
                    }
                    if (lastRound) {
                        break;
                    }
                    // Asked before the next read: whatever the guest wrote before it ended is then read too.
                    lastRound = !running.getAsBoolean();
                    if (!lastRound) {
                        Thread.sleep(POLL_MILLIS);
                    }
                }
            } finally {
                if (in != null) {
                    in.close();
                }
            }
        }

        /**
         * Reads the open file to its end (the keeper writes no more to a file it renamed), then
         * the previous part unless already read, and opens {@code console.log}.
         *
         * @return false when there is no log at all
         */
        private boolean openNext() throws IOException {
            if (in != null) {
                in.transferTo(splitterStream(splitter));
                in.close();
                readToTheEnd.add(key);
                in = null;
            }
            Opened opened = Opened.both(previousPart(log), log);
            if (opened == null) {
                return false;
            }
            if (opened.previous() != null) {
                try (InputStream previous = opened.previous()) {
                    if (readToTheEnd.add(opened.previousKey())) {
                        if (readToTheEnd.size() > 1) {
                            // A part we never saw lies between: the log rotated more than once since the last look.
                            splitter.finish();
                            lines.accept(SKIPPED);
                        }
                        previous.transferTo(splitterStream(splitter));
                    }
                }
            }
            in = opened.current();
            key = opened.currentKey();
            return true;
        }
    }

    /** The last {@code bytes} of a console log, across its rotation, as text; empty when there is no log to read. */
    public static String tail(Path log, int bytes) {
        byte[] current = FileTail.lastBytes(log, bytes);
        if (current.length >= bytes) {
            return new String(current, StandardCharsets.UTF_8);
        }
        byte[] previous = FileTail.lastBytes(previousPart(log), bytes - current.length);
        byte[] both = new byte[previous.length + current.length];
        System.arraycopy(previous, 0, both, 0, previous.length);
        System.arraycopy(current, 0, both, previous.length, current.length);
        return new String(both, StandardCharsets.UTF_8);
    }

    /**
     * Whether the line that starts the application, {@code marker}, has rotated out of the log:
     * the log rotated and what is kept does not begin with the boot (no {@code marker} in the
     * first {@code headBytes} of the previous part).
     */
    public static boolean startRotatedAway(Path log, String marker, int headBytes) {
        Path previous = previousPart(log);
        if (!Files.exists(previous)) {
            return false;
        }
        byte[] head = new byte[headBytes];
        try (InputStream in = Files.newInputStream(previous)) {
            int n = in.readNBytes(head, 0, head.length);
            return !new String(head, 0, n, StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether the log has rotated at least once (its {@link #previousPart} exists). */
    public static boolean rotated(Path log) {
        return Files.exists(previousPart(log));
    }

    /**
     * The part of the log before {@code log}: {@code console.log.0} once virtlogd rotated it (jcap's
     * keeper never makes one), {@code console.log.1} otherwise.
     */
    static Path previousPart(Path log) {
        Path virtlogd = log.resolveSibling(log.getFileName() + DomainXml.LOG_ROTATED_SUFFIX);
        return Files.exists(virtlogd) ? virtlogd : ConsoleLogKeeper.rotatedLog(log);
    }

    private static Object key(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static OutputStream splitterStream(ConsoleLineSplitter splitter) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                splitter.accept(new byte[] {(byte) b}, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                splitter.accept(off == 0 ? b : Arrays.copyOfRange(b, off, off + len), len);
            }
        };
    }

    /** Both parts of the log opened as one consistent pair: no rotation between the two opens. */
    private record Opened(InputStream previous, Object previousKey, InputStream current, Object currentKey) {
        static Opened both(Path rotated, Path log) throws IOException {
            for (int attempt = 0; attempt < 10; attempt++) {
                Object previousKey = key(rotated);
                Object currentKey = key(log);
                if (currentKey == null && previousKey == null) {
                    return null;
                }
                List<InputStream> opened = new ArrayList<>();
                try {
                    InputStream previous = previousKey == null ? null : open(rotated, opened);
                    InputStream current = currentKey == null ? null : open(log, opened);
                    if (Objects.equals(previousKey, key(rotated)) && Objects.equals(currentKey, key(log))) {
                        return new Opened(previous, previousKey, current, currentKey);
                    }
                } catch (NoSuchFileException e) {
                    // Renamed between the look and the open: look again.
                }
                for (InputStream in : opened) {
                    in.close();
                }
            }
            throw new IOException("it keeps rotating while being opened");
        }

        private static InputStream open(Path file, List<InputStream> opened) throws IOException {
            InputStream in = Files.newInputStream(file);
            opened.add(in);
            return in;
        }
    }
}
