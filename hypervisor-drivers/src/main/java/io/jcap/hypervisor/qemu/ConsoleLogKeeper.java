package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.hypervisor.GuestEndWatch;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

/**
 * Writes a detached guest's serial console into its log and keeps the log bounded: when
 * {@code console.log} reaches the limit and its line ends, it becomes {@code console.log.1}
 * (replacing the one before) and a new {@code console.log} starts, so the last {@code limit}
 * bytes at least, and about {@code 2 × limit} at most, are kept, each file starting with a whole
 * line (a line longer than {@link #MAX_LINE} may be split between the two).
 *
 * <p>It runs as a small process of its own beside QEMU, since no jcap process lives as long as a
 * detached guest: {@link DetachedQemu} starts it first ({@code java -cp JAR
 * io.jcap.hypervisor.qemu.ConsoleLogKeeper SOCKET LOG LIMIT EVENTS ENDING}), it listens on two
 * unix sockets and says {@value #READY} on its standard output, then QEMU starts with its serial
 * console connected to the first and a QMP monitor to the second, whose {@code SHUTDOWN} event
 * the keeper records as {@link QemuEnding} ({@link ShutdownRecorder}). It ends when QEMU closes
 * the console (the guest ended, whatever ended it), or when no QEMU connected within
 * {@link #CONNECT_WAIT}. Should it die, QEMU drops the console's
 * output instead of blocking the guest (a socket chardev that lost its peer discards writes).
 * It uses the JDK alone (MAX_LINE is a compile-time constant), so the process loads nothing else.
 *
 * <p>It is also the guest's watchdog once the application has ended, given a {@link GuestEndWatch}
 * (the Linux init's {@code JCAP-EXIT N}): when the guest has not powered off
 * {@link GuestEndWatch#grace()} after that line, the keeper ends the QEMU of its pid file
 * (SIGTERM, then SIGKILL), as a foreground run does; the init synced and remounted the disk
 * read-only before the line, so nothing is lost.
 */
public final class ConsoleLogKeeper {
    /** The largest {@code console.log}; with {@code console.log.1}, at most twice this is on disk. */
    public static final long DEFAULT_LIMIT = 8L << 20;
    /** How the keeper's own lines on its standard error (QEMU's log) start. */
    static final String COMPLAINT = "console keeper for ";
    /** What the keeper prints once it listens. */
    static final String READY = "JCAP-CONSOLE-KEEPER-READY";
    /** How far past the limit a file grows to end its last line (the console's longest line). */
    static final int MAX_LINE = ConsoleLineSplitter.MAX_LINE;
    /** How long the keeper waits for QEMU to connect before it gives up. */
    static final Duration CONNECT_WAIT = Duration.ofSeconds(60);
    /** The log and the socket: {@code rw-------}. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path log;
    private final Path rotated;
    private final long limit;
    private FileChannel out;
    private long size;
    /** The end watch's line scanner, when the keeper watches for the application's end. */
    private GuestEndWatch.Lines endLines;

    /** Appends to {@code log}, rotating it to {@code log.1} at {@code limit} bytes. */
    ConsoleLogKeeper(Path log, long limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("a console log limit must be at least 1 byte, got " + limit);
        }
        this.log = log;
        this.rotated = rotatedLog(log);
        this.limit = limit;
        open();
    }

    /** Where the log's previous part is kept: {@code console.log.1} beside {@code console.log}. */
    public static Path rotatedLog(Path log) {
        return log.resolveSibling(log.getFileName() + ".1");
    }

    /**
     * The file the keeper creates once it has written everything QEMU sent and closed the log
     * ({@code console.log.done}): a reader following the log of an ended guest reads on until it
     * exists, so the last lines are not missed while the keeper is still writing them.
     */
    public static Path doneMarker(Path log) {
        return log.resolveSibling(log.getFileName() + ".done");
    }

    /** Copies {@code in} into the log until it ends. */
    void keep(ReadableByteChannel in) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (in.read(buffer) >= 0) {
                buffer.flip();
                write(buffer);
                buffer.clear();
            }
        } finally {
            out.close();
        }
    }

    /** Runs {@code onEnd} once, at the first console line that {@code watch} names the end. */
    void watchEnd(GuestEndWatch watch, Runnable onEnd) {
        this.endLines = watch.lines(onEnd);
    }

    void write(ByteBuffer bytes) throws IOException {
        if (endLines != null) {
            endLines.feed(bytes);
        }
        while (bytes.hasRemaining()) {
            if (size < limit) {
                put(bytes, (int) Math.min(bytes.remaining(), limit - size));
                continue;
            }
            // At the limit: finish the line first, so that each file starts with a whole line; a
            // line that does not end within MAX_LINE more bytes is rotated in the middle.
            long slack = limit + MAX_LINE - size;
            int newline = indexOfNewline(bytes);
            if (newline >= 0 && newline < slack) {
                put(bytes, newline + 1);
                rotate();
            } else if (slack > 0) {
                put(bytes, (int) Math.min(bytes.remaining(), slack));
            } else {
                rotate();
            }
        }
    }

    private void put(ByteBuffer bytes, int length) throws IOException {
        ByteBuffer part = bytes.slice(bytes.position(), length);
        while (part.hasRemaining()) {
            size += out.write(part);
        }
        bytes.position(bytes.position() + length);
    }

    private static int indexOfNewline(ByteBuffer bytes) {
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            if (bytes.get(i) == '\n') {
                return i - bytes.position();
            }
        }
        return -1;
    }

    private void rotate() throws IOException {
        out.close();
        // A reader that has console.log open keeps reading the same file under its new name.
        Files.move(log, rotated, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        open();
    }

    private void open() throws IOException {
        // Owner-only, and never through a link put in the log's place.
        out = FileChannel.open(log, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        size = out.size();
    }

    /** {@link GuestEndWatch#stopUnlessEnded} for the QEMU of {@code pidFile}, if it serves {@code consoleSocket}. */
    private static void stopUnlessEnded(Path pidFile, Path consoleSocket, Duration grace, Path log) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            GuestEndWatch.stopUnlessEnded(pid, consoleSocket.toString(), grace,
                    note -> System.err.println(COMPLAINT + log + ": " + note));
        } catch (IOException | RuntimeException e) {
            // QEMU ended meanwhile and took its pid file: nothing to stop.
        }
    }

    /**
     * {@code SOCKET LOG LIMIT EVENTS-SOCKET ENDING [PID-FILE GRACE-MS]}, the end line's pattern in
     * the environment with the last two ({@link GuestEndWatch#pass}): see the class comment. Exit
     * status 2 for bad arguments, 1 for a failure.
     */
    public static void main(String[] args) {
        if (args.length != 5 && args.length != 7) {
            System.err.println("usage: " + GuestEndWatch.END_LINE_VARIABLE + "=REGEX ConsoleLogKeeper SOCKET LOG"
                    + " LIMIT-BYTES EVENTS-SOCKET ENDING [PID-FILE GRACE-MS]");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        Path log = Path.of(args[1]);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             ServerSocketChannel events = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ConsoleLogKeeper keeper = new ConsoleLogKeeper(log, Long.parseLong(args[2]));
            if (args.length == 7) {
                Path pidFile = Path.of(args[5]);
                GuestEndWatch watch = GuestEndWatch.passed(args[6]);
                keeper.watchEnd(watch, () -> {
                    Thread stopper = new Thread(() -> stopUnlessEnded(pidFile, socket, watch.grace(), log),
                            "console-keeper-end-watch");
                    stopper.setDaemon(true);
                    stopper.start();
                });
            }
            listen(server, socket);
            listen(events, Path.of(args[3]));
            EndingListener ending = new EndingListener(events, Path.of(args[3]), Path.of(args[4]), log);
            PrintStream stdout = System.out;
            stdout.println(READY);
            stdout.close();
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(CONNECT_WAIT.toMillis());
                    System.err.println(COMPLAINT + log + ": no QEMU connected within " + CONNECT_WAIT);
                    System.exit(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "console-keeper-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            ending.start();
            try (SocketChannel qemu = server.accept()) {
                watchdog.interrupt();
                server.close();
                Files.deleteIfExists(socket);
                keeper.keep(qemu);
            }
            ending.finish();
            Files.deleteIfExists(doneMarker(log));
            Files.createFile(doneMarker(log));
        } catch (IOException | RuntimeException e) {
            System.err.println(COMPLAINT + log + ": " + e);
            System.exit(1);
        } catch (InterruptedException e) {
            System.err.println(COMPLAINT + log + ": interrupted");
            System.exit(1);
        }
    }

    /** Binds {@code server} at {@code socket}, which only the owner's QEMU may connect to. */
    private static void listen(ServerSocketChannel server, Path socket) throws IOException {
        if (Files.isSymbolicLink(socket)) {
            throw new IOException(socket + " is a symbolic link; the keeper does not bind through one");
        }
        Files.deleteIfExists(socket);
        server.bind(UnixDomainSocketAddress.of(socket));
        // The socket is gone once QEMU has connected.
        Files.setPosixFilePermissions(socket, OWNER_ONLY);
    }

    /**
     * Takes QEMU's connection to the events socket and records how QEMU ends ({@link
     * ShutdownRecorder}), on a thread of its own beside the console.
     */
    private static final class EndingListener {
        /** How long the keeper waits, once the console closed, for QEMU's monitor to close too. */
        private static final Duration DRAIN = Duration.ofSeconds(5);

        private final ServerSocketChannel server;
        private final Path socket;
        private final Thread thread;
        private volatile boolean connected;

        EndingListener(ServerSocketChannel server, Path socket, Path record, Path log) {
            this.server = server;
            this.socket = socket;
            this.thread = new Thread(() -> {
                try (SocketChannel monitor = server.accept()) {
                    connected = true;
                    server.close();
                    Files.deleteIfExists(socket);
                    ShutdownRecorder.record(monitor, record);
                } catch (java.nio.channels.AsynchronousCloseException e) {
                    // No monitor connected before the console closed: its peer was not a QEMU started with one.
                } catch (IOException | RuntimeException e) {
                    System.err.println(COMPLAINT + log + ": QMP events: " + e);
                }
            }, "console-keeper-events");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /** Once the console closed: waits for the record, or stops listening when no monitor connected. */
        void finish() throws IOException, InterruptedException {
            if (!connected) {
                server.close();
            }
            thread.join(DRAIN.toMillis());
            Files.deleteIfExists(socket);
        }
    }
}
