package io.jcap.builder.instance;

import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
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
public final class ConsoleFollower {
    /** How often a followed log is looked at again when nothing new was in it. */
    static final long POLL_MILLIS = 100;

    private ConsoleFollower() {
    }

    /**
     * @param running whether the writer still runs; null reads what is there now and returns
     */
    public static void read(Path log, BooleanSupplier running, Consumer<String> lines) throws JcapException,
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

    /** The last {@code bytes} of a console log as text; empty when there is no log to read. */
    public static String tail(Path log, int bytes) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - bytes);
            byte[] tail = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
