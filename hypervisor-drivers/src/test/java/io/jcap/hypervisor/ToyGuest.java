package io.jcap.hypervisor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A guest without a hypervisor for {@link GuestLifecycleTest}: starting binds a real loopback
 * socket for each forward (and fails as QEMU does when the port is taken), the console is a real
 * {@link ConsoleLog} the test writes to, and it powers off when asked only if told to.
 */
final class ToyGuest extends GuestLifecycle<ToyGuest> {
    final AtomicInteger launches = new AtomicInteger();
    final AtomicInteger powerButtonPresses = new AtomicInteger();
    final AtomicInteger hardStops = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();
    private final boolean obeysPowerButton;
    private final List<ServerSocket> bound = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile ConsoleLog console;
    private volatile int status = -1;

    ToyGuest(VmSpec spec, boolean obeysPowerButton) {
        super(spec, new Names("toy guest", "exit", "stopped", "stopping"));
        this.obeysPowerButton = obeysPowerButton;
    }

    /** The guest prints a line on its console. */
    void print(String line) {
        console.append(line);
    }

    /** The guest powers off by itself. */
    void end(int code) {
        if (ended.getCount() > 0) {
            status = code;
            console.end();
            ended.countDown();
        }
    }

    @Override
    protected void launch() throws VmException {
        console = new ConsoleLog(consoleLines());
        forwards(startWithPortRetries(spec().portForwards(), portSupplier(Ports::freeLoopbackPort), this::bind));
    }

    private void bind(List<PortForward> chosen) throws VmException {
        launches.incrementAndGet();
        for (PortForward f : chosen) {
            ServerSocket socket = null;
            try {
                socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getByName(f.hostAddress()), f.hostPort()));
                bound.add(socket);
            } catch (IOException e) {
                closeQuietly(socket);
                unbind();
                throw new VmException(HOSTFWD_FAILURE + " tcp:" + f.hostAddress() + ":" + f.hostPort(),
                        OptionalInt.of(1), List.of(), e);
            }
        }
    }

    @Override
    public boolean isAlive() {
        return running();
    }

    @Override
    protected boolean hostPortTaken(VmException failure) {
        return failure.summary().startsWith(HOSTFWD_FAILURE);
    }

    @Override
    protected ConsoleLog console() {
        return console;
    }

    @Override
    protected boolean running() {
        return !bound.isEmpty() && ended.getCount() > 0;
    }

    @Override
    protected boolean waitEnded(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected int endStatus() {
        return status;
    }

    @Override
    protected VmException lineMissing(String description, Duration timeout, ConsoleLog log) {
        forceStop();
        return new VmException("no " + description, OptionalInt.empty(), log.tail());
    }

    @Override
    protected boolean pressPowerButton() {
        powerButtonPresses.incrementAndGet();
        if (obeysPowerButton) {
            end(0);
        }
        return true;
    }

    @Override
    protected void stopHarder() {
        hardStops.incrementAndGet();
        end(143);
    }

    @Override
    protected void forceStop() {
        end(137);
    }

    @Override
    protected void killForShutdown() {
        forceStop();
    }

    @Override
    protected void release() {
        releases.incrementAndGet();
        unbind();
    }

    @Override
    protected ToyGuest self() {
        return this;
    }

    private void unbind() {
        bound.forEach(ToyGuest::closeQuietly);
        bound.clear();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // A test socket that will not close is closed by the JVM at exit.
        }
    }
}
