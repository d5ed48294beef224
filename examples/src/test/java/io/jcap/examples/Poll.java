package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** Repeats an attempt until it gives a value, within a bound: for guests that need a while to listen. */
final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(250);

    private Poll() {
    }

    /**
     * The first value {@code attempt} gives; fails the test when none comes within {@code bound}, naming
     * {@code what} and the attempt's last error.
     */
    static <T> T until(String what, Duration bound, Callable<Optional<T>> attempt) throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicReference<String> last = new AtomicReference<>("no attempt ended");
        timer.scheduleWithFixedDelay(() -> {
            try {
                Optional<T> value = attempt.call();
                value.ifPresentOrElse(result::complete, () -> last.set("no value yet"));
            } catch (Exception e) {
                last.set(e.toString());
            }
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail(what + " did not happen within " + bound.toSeconds() + " s; last attempt: " + last.get());
        } catch (ExecutionException e) {
            return fail(what + ": " + e.getCause());
        } finally {
            timer.shutdownNow();
        }
    }
}
