package io.jcap.builder.push;

import io.jcap.model.EnvironmentException;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the push targets try a cloud call again, the one policy their HTTP clients share: a call
 * whose attempt says {@link #again} (a connection failure, a 5xx, a throttling answer) is tried
 * again after a backoff that starts at {@code firstBackoff} and doubles, {@code tries} tries in
 * all; the last failure is then thrown. A failure the attempt throws ends the call at once.
 *
 * <pre>{@code
 * Answer answer = RetryPolicy.STANDARD.run(() -> {
 *     HttpResponse<String> r = client.send(request, ofString());
 *     return RetryPolicy.isTransient(r.statusCode()) ? RetryPolicy.again(new EnvironmentException("..."))
 *             : RetryPolicy.done(new Answer(r));
 * });
 * }</pre>
 */
public final class RetryPolicy {
    /** Five tries, after 0.1, 0.2, 0.4 and 0.8 s: the AWS SDK's standard mode, Google's and Azure's clients alike. */
    public static final RetryPolicy STANDARD = new RetryPolicy(5, Duration.ofMillis(100), Thread::sleep);

    private final int tries;
    private final Duration firstBackoff;
    private final Sleeper sleeper;

    /** How the policy waits; a test records the waits instead of sleeping them. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    RetryPolicy(int tries, Duration firstBackoff, Sleeper sleeper) {
        if (tries < 1) {
            throw new IllegalArgumentException("a call is tried at least once, not " + tries + " times");
        }
        if (firstBackoff.isNegative()) {
            throw new IllegalArgumentException("the first backoff is negative: " + firstBackoff);
        }
        this.tries = tries;
        this.firstBackoff = firstBackoff;
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** One try of a call. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * Tries the call once.
         *
         * @return {@link #done} with its value, or {@link #again} with a failure worth another try
         * @throws JcapException a failure that another try would not mend (a refusal)
         */
        Outcome<T> run() throws JcapException, InterruptedException;
    }

    /** What one try gave: {@link Done} or {@link Again}. */
    public sealed interface Outcome<T> permits Done, Again {
    }

    /** A try that succeeded, with its value. */
    public record Done<T>(T value) implements Outcome<T> {
    }

    /** A try that failed in a way another try may mend, with the failure thrown if none does. */
    public record Again<T>(JcapException failure) implements Outcome<T> {
        public Again {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** A try that succeeded with {@code value}. */
    public static <T> Outcome<T> done(T value) {
        return new Done<>(value);
    }

    /** A try that failed with {@code failure}, worth another. */
    public static <T> Outcome<T> again(JcapException failure) {
        return new Again<>(failure);
    }

    /** Runs {@code attempt} until it is done, it throws, or the tries are spent (then its last failure is thrown). */
    public <T> T run(Attempt<T> attempt) throws JcapException, InterruptedException {
        for (int n = 1; ; n++) {
            Outcome<T> outcome = attempt.run();
            if (outcome instanceof Done<T> done) {
                return done.value();
            }
            JcapException failure = ((Again<T>) outcome).failure();
            if (n >= tries) {
                throw failure;
            }
            sleeper.sleep(firstBackoff.toMillis() << (n - 1));
        }
    }

    /** Whether an HTTP status is worth another try: a server error (5xx) or 429 Too Many Requests. */
    public static boolean isTransient(int status) {
        return status >= 500 || status == 429;
    }

    /**
     * The failure for a call to {@code service} at {@code uri} that did not get an answer (exit 3),
     * naming the host but not the path, which may carry a signature.
     */
    public static EnvironmentException unreachable(String service, URI uri, IOException e) {
        return new EnvironmentException("cannot reach " + service + " at " + uri.getScheme() + "://" + uri.getAuthority()
                + ": " + FailureReason.of(e), e);
    }
}
