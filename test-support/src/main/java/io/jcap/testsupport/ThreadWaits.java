package io.jcap.testsupport;

import java.time.Duration;
import java.util.Arrays;

/** What a test's other thread is doing, without sleeping a fixed time to find out. */
public final class ThreadWaits {
    private ThreadWaits() {
    }

    /**
     * Whether {@code thread} comes to wait for a {@code java.util.concurrent} lock within
     * {@code bound}, polled every 5 ms; false as soon as it ends instead (it did not wait), or when
     * the bound passes first.
     */
    public static boolean waitsForALock(Thread thread, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.State state = thread.getState();
            if (state == Thread.State.TERMINATED) {
                return false;
            }
            if (state == Thread.State.WAITING && Arrays.stream(thread.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().startsWith("java.util.concurrent.locks."))) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }
}
