package io.jcap.hypervisor.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.formats.json.JsonTrees;
import io.jcap.hypervisor.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A client of the QEMU Machine Protocol over a unix socket: commands, their replies, and the
 * asynchronous events QEMU sends (SHUTDOWN, POWERDOWN, ...), which are kept for
 * {@link #awaitEvent}.
 *
 * <p>Messages are read and written with Jackson's streaming parser and generator
 * ({@link JsonTrees}), not an {@code ObjectMapper}: a mapper's set-up cost about 40 ms of the CPU
 * (its classes, and the locale data its date format loads) while the guest boots beside it.
 *
 * <pre>{@code
 * try (QmpClient qmp = QmpClient.connect(socket, Duration.ofSeconds(10))) {
 *     String status = qmp.queryStatus();   // "running"
 *     qmp.systemPowerdown();
 *     qmp.awaitEvent("SHUTDOWN", Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class QmpClient implements AutoCloseable {
    /** How long {@link #execute(String, Map)} waits for a reply. */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_EVENTS = 256;

    private final SocketChannel channel;
    private final Object lock = new Object();
    private final Map<Long, JsonNode> replies = new HashMap<>();
    private final ArrayDeque<JsonNode> events = new ArrayDeque<>();
    private JsonNode greeting;
    private boolean disconnected;
    private long nextId = 1;

    private QmpClient(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects, reads QEMU's greeting and negotiates capabilities, all within {@code timeout}. */
    public static QmpClient connect(Path socket, Duration timeout) throws QmpException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new QmpException("cannot open a unix socket: " + e.getMessage(), e);
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new QmpException("cannot connect to the QMP socket " + socket + ": " + e.getMessage(), e);
        }
        QmpClient client = new QmpClient(channel);
        Thread reader = new Thread(client::readLoop, "jcap-qmp-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            client.awaitGreeting(Instant.now().plus(timeout));
            client.execute("qmp_capabilities", Map.of(), timeout);
            return client;
        } catch (QmpException e) {
            client.close();
            throw e;
        }
    }

    /** The greeting QEMU sent on connect ({"QMP": {"version": ...}}). */
    public JsonNode greeting() {
        synchronized (lock) {
            return greeting;
        }
    }

    public JsonNode execute(String command) throws QmpException {
        return execute(command, Map.of(), REPLY_TIMEOUT);
    }

    public JsonNode execute(String command, Map<String, ?> arguments) throws QmpException {
        return execute(command, arguments, REPLY_TIMEOUT);
    }

    /** Runs {@code command} and returns its {@code return} value; an {@code error} reply throws. */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) throws QmpException {
        long id;
        synchronized (lock) {
            id = nextId++;
        }
        ObjectNode message = JsonNodeFactory.instance.objectNode().put("execute", command).put("id", id);
        if (!arguments.isEmpty()) {
            message.set("arguments", JsonTrees.valueOf(arguments));
        }
        send(command, message);
        JsonNode reply = awaitReply(command, id, Instant.now().plus(timeout));
        if (reply.has("error")) {
            JsonNode error = reply.get("error");
            throw new QmpException("QMP command '" + command + "' failed: " + error.path("class").asText()
                    + ": " + error.path("desc").asText());
        }
        return reply.path("return");
    }

    /** The run state QEMU reports: "running", "paused", "shutdown"... */
    public String queryStatus() throws QmpException {
        return execute("query-status").path("status").asText();
    }

    /** Presses the ACPI power button; a guest that handles it powers off and QEMU exits. */
    public void systemPowerdown() throws QmpException {
        execute("system_powerdown");
    }

    /** Asks QEMU to exit at once. QEMU may close the socket before its reply arrives; that is fine. */
    public void quit() throws QmpException {
        try {
            execute("quit");
        } catch (QmpException e) {
            if (!isDisconnected()) {
                throw e;
            }
        }
    }

    /** Takes the oldest unclaimed event named {@code name}, waiting up to {@code timeout} for it. */
    public JsonNode awaitEvent(String name, Duration timeout) throws QmpException {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (lock) {
            while (true) {
                for (Iterator<JsonNode> it = events.iterator(); it.hasNext(); ) {
                    JsonNode event = it.next();
                    if (name.equals(event.path("event").asText())) {
                        it.remove();
                        return event;
                    }
                }
                if (disconnected) {
                    throw new QmpException("QMP connection closed before the event " + name + " arrived");
                }
                waitUntil(deadline, "no QMP event " + name + " within " + Durations.human(timeout));
            }
        }
    }

    public boolean isDisconnected() {
        synchronized (lock) {
            return disconnected;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
        markDisconnected();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket QEMU already closed: nothing left to release.
        }
    }

    private void send(String command, JsonNode message) throws QmpException {
        ByteBuffer bytes = ByteBuffer.wrap((JsonTrees.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            synchronized (channel) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        } catch (IOException e) {
            throw new QmpException("cannot send QMP command '" + command + "': " + e.getMessage(), e);
        }
    }

    private void awaitGreeting(Instant deadline) throws QmpException {
        synchronized (lock) {
            while (greeting == null) {
                if (disconnected) {
                    throw new QmpException("QEMU closed the QMP socket before its greeting");
                }
                waitUntil(deadline, "QEMU sent no QMP greeting in time");
            }
        }
    }

    private JsonNode awaitReply(String command, long id, Instant deadline) throws QmpException {
        synchronized (lock) {
            while (true) {
                JsonNode reply = replies.remove(id);
                if (reply != null) {
                    return reply;
                }
                if (disconnected) {
                    throw new QmpException("QMP connection closed before the reply to '" + command + "'");
                }
                waitUntil(deadline, "no reply to QMP command '" + command + "' in time");
            }
        }
    }

    /** Waits on {@link #lock} (held by the caller) until notified or the deadline, which throws. */
    private void waitUntil(Instant deadline, String timeoutMessage) throws QmpException {
        long millis = Duration.between(Instant.now(), deadline).toMillis();
        if (millis <= 0) {
            throw new QmpException(timeoutMessage);
        }
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while waiting for QMP", e);
        }
    }

    private void readLoop() {
        try (JsonTrees.Sequence messages = JsonTrees.sequence(inputOf(channel))) {
            for (JsonNode message; (message = messages.next()) != null; ) {
                synchronized (lock) {
                    if (message.has("QMP")) {
                        greeting = message;
                    } else if (message.has("event")) {
                        if (events.size() == MAX_EVENTS) {
                            events.removeFirst();
                        }
                        events.addLast(message);
                    } else if (message.has("id")) {
                        replies.put(message.get("id").asLong(), message);
                    }
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // The socket closed (QEMU exited or we closed it); waiters learn it below.
        } finally {
            markDisconnected();
        }
    }

    private void markDisconnected() {
        synchronized (lock) {
            disconnected = true;
            lock.notifyAll();
        }
    }

    /**
     * Reads straight from the channel. Channels.newInputStream would hold the channel's blocking
     * lock while it waits, and so block every write of a command meanwhile.
     */
    private static InputStream inputOf(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }
}
