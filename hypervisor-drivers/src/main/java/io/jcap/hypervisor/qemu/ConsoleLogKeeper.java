package io.jcap.hypervisor.qemu;

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
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Writes a detached guest's serial console into its log and keeps the log bounded: when
 * {@code console.log} reaches the limit it becomes {@code console.log.1} (replacing the one
 * before) and a new {@code console.log} starts, so the last {@code limit} bytes at least, and
 * {@code 2 × limit} at most, are kept.
 *
 * <p>It runs as a small process of its own beside QEMU, since no jcap process lives as long as a
 * detached guest: {@link DetachedQemu} starts it first ({@code java -cp JAR
 * io.jcap.hypervisor.qemu.ConsoleLogKeeper SOCKET LOG LIMIT}), it listens on a unix socket and
 * says {@value #READY} on its standard output, then QEMU starts with its serial console connected
 * to that socket. It ends when QEMU closes the socket (the guest ended, whatever ended it), or
 * when no QEMU connected within {@link #CONNECT_WAIT}. Should it die, QEMU drops the console's
 * output instead of blocking the guest (a socket chardev that lost its peer discards writes).
 * It uses the JDK alone, so the process loads nothing else.
 */
public final class ConsoleLogKeeper {
    /** The largest {@code console.log}; with {@code console.log.1}, at most twice this is on disk. */
    public static final long DEFAULT_LIMIT = 8L << 20;
    /** What the keeper prints once it listens. */
    static final String READY = "JCAP-CONSOLE-KEEPER-READY";
    /** How long the keeper waits for QEMU to connect before it gives up. */
    static final Duration CONNECT_WAIT = Duration.ofSeconds(60);

    private final Path log;
    private final Path rotated;
    private final long limit;
    private FileChannel out;
    private long size;

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

    void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (size >= limit) {
                rotate();
            }
            int room = (int) Math.min(bytes.remaining(), limit - size);
            ByteBuffer part = bytes.slice(bytes.position(), room);
            while (part.hasRemaining()) {
                size += out.write(part);
            }
            bytes.position(bytes.position() + room);
        }
    }

    private void rotate() throws IOException {
        out.close();
        // A reader that has console.log open keeps reading the same file under its new name.
        Files.move(log, rotated, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        open();
    }

    private void open() throws IOException {
        out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = out.size();
    }

    /** {@code SOCKET LOG LIMIT}: see the class comment. Exit status 2 for bad arguments, 1 for a failure. */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: ConsoleLogKeeper SOCKET LOG LIMIT-BYTES");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        Path log = Path.of(args[1]);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ConsoleLogKeeper keeper = new ConsoleLogKeeper(log, Long.parseLong(args[2]));
            Files.deleteIfExists(socket);
            server.bind(UnixDomainSocketAddress.of(socket));
            PrintStream stdout = System.out;
            stdout.println(READY);
            stdout.close();
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(CONNECT_WAIT.toMillis());
                    System.err.println("console keeper for " + log + ": no QEMU connected within " + CONNECT_WAIT);
                    System.exit(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "console-keeper-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try (SocketChannel qemu = server.accept()) {
                watchdog.interrupt();
                server.close();
                Files.deleteIfExists(socket);
                keeper.keep(qemu);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("console keeper for " + log + ": " + e);
            System.exit(1);
        }
    }
}
