package io.jcap.builder;

import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a console log line by line, and with {@code follow} keeps reading what the guest appends
 * until the guest has ended: then the rest is read and the last, unfinished line passed on too.
 * Lines are cut as every jcap console reader cuts them ({@link ConsoleLineSplitter}).
 */
final class ConsoleFollower {
    /** How often a followed log is looked at again when nothing new was in it. */
    static final long POLL_MILLIS = 100;

    private ConsoleFollower() {
    }

    /**
     * @param running whether the writer still runs; null reads what is there now and returns
     */
    static void read(Path log, BooleanSupplier running, Consumer<String> lines) throws JcapException,
            InterruptedException {
        ConsoleLineSplitter splitter = new ConsoleLineSplitter(lines);
        byte[] buffer = new byte[8192];
        try (InputStream in = Files.newInputStream(log)) {
            boolean lastRound = running == null;
            while (true) {
                int n = in.read(buffer);
                if (n > 0) {
                    splitter.accept(buffer, n);
                    continue;
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
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new JcapException("cannot read the console log " + log + ": " + e.getMessage(), e);
        }
        splitter.finish();
    }
}
