package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.hypervisor.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Follows the console log file QEMU writes on the libvirt host, like {@code tail -f}, and feeds
 * it line by line ({@link ConsoleLineSplitter}) into a {@link ConsoleLog} on a daemon thread.
 *
 * <p>The file has no end of its own, so the domain's owner calls {@link #finish()} once the
 * domain stopped: the follower then reads what is left and ends the log. While nothing new
 * arrives it runs {@code idleCheck} about once a second, the owner's chance to notice a domain
 * that stopped without an event.
 */
final class ConsoleFollower implements ConsoleReader {
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    private final HostFiles files;
    private final String file;
    private final ConsoleLog log;
    private final Runnable idleCheck;
    private final ConsoleLineSplitter lines;
    private final Thread thread;
    private final Object wake = new Object();
    private volatile boolean finishing;
    private volatile String readError;

    ConsoleFollower(HostFiles files, String file, ConsoleLog log, Consumer<String> listener, Runnable idleCheck,
            String threadName) {
        this.files = files;
        this.file = file;
        this.log = log;
        this.lines = new ConsoleLineSplitter(text -> {
            log.append(text);
            listener.accept(text);
        });
        this.idleCheck = idleCheck;
        this.thread = new Thread(this::follow, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void finish() {
        synchronized (wake) {
            finishing = true;
            wake.notifyAll();
        }
    }

    @Override
    public void join(Duration bound) {
        try {
            thread.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String readError() {
        return readError;
    }

    private void follow() {
        byte[] buffer = new byte[16384];
        long offset = 0;
        long lastCheck = System.nanoTime();
        try {
            while (true) {
                boolean last = finishing;
                int n = files.read(file, offset, buffer);
                if (n > 0) {
                    offset += n;
                    lines.accept(buffer, n);
                    continue;
                }
                if (last) {
                    break;
                }
                if (System.nanoTime() - lastCheck >= IDLE_CHECK.toNanos()) {
                    idleCheck.run();
                    lastCheck = System.nanoTime();
                }
                pause();
            }
        } catch (IOException e) {
            readError = e.getMessage();
        } finally {
            lines.finish();
            log.end();
        }
    }

    /** Waits for the next poll; no interrupt, because an interrupted SFTP read breaks the channel. */
    private void pause() {
        synchronized (wake) {
            if (finishing) {
                return;
            }
            try {
                wake.wait(files.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finishing = true;
            }
        }
    }
}
