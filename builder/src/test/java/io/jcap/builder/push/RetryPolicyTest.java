package io.jcap.builder.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final List<Long> waits = new ArrayList<>();
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), waits::add);

    @Test
    void run_doneAtOnce_waitsNever() throws Exception {
        assertEquals("ok", policy.run(() -> RetryPolicy.done("ok")));
        assertEquals(List.of(), waits);
    }

    @Test
    void run_twoTransientFailures_waitsAndDoublesThenReturns() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String value = policy.run(() -> tries.incrementAndGet() < 3
                ? RetryPolicy.again(new EnvironmentException("HTTP 503")) : RetryPolicy.done("third"));
        assertEquals("third", value);
        assertEquals(3, tries.get());
        assertEquals(List.of(100L, 200L), waits);
    }

    @Test
    void run_alwaysTransient_throwsTheLastFailureAfterFiveTries() {
        AtomicInteger tries = new AtomicInteger();
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> policy.run(
                () -> RetryPolicy.again(new EnvironmentException("HTTP 500, try " + tries.incrementAndGet()))));
        assertEquals("HTTP 500, try 5", e.getMessage());
        assertEquals(List.of(100L, 200L, 400L, 800L), waits);
    }

    @Test
    void run_refusal_endsAtOnceWithIt() {
        JcapException refusal = new JcapException("HTTP 403: AuthorizationFailed", ExitCode.FAILURE, null);
        AtomicInteger tries = new AtomicInteger();
        JcapException e = assertThrows(JcapException.class, () -> policy.run(() -> {
            tries.incrementAndGet();
            throw refusal;
        }));
        assertSame(refusal, e);
        assertEquals(1, tries.get());
        assertEquals(List.of(), waits);
    }

    @Test
    void run_interruptedWhileWaiting_stopsTrying() {
        RetryPolicy interrupted = new RetryPolicy(5, Duration.ofMillis(100), millis -> {
            throw new InterruptedException("stop");
        });
        AtomicInteger tries = new AtomicInteger();
        assertThrows(InterruptedException.class, () -> interrupted.run(() -> {
            tries.incrementAndGet();
            return RetryPolicy.again(new EnvironmentException("HTTP 503"));
        }));
        assertEquals(1, tries.get());
    }

    @Test
    void newPolicy_noTries_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(0, Duration.ofMillis(100), waits::add));
        assertEquals("a call is tried at least once, not 0 times", e.getMessage());
    }

    @Test
    void isTransient_serverErrorsAndTooManyRequests_only() {
        assertEquals(List.of(429, 500, 502, 503, 504), List.of(200, 400, 403, 404, 409, 429, 500, 502, 503, 504).stream()
                .filter(RetryPolicy::isTransient).toList());
    }

    @Test
    void unreachable_namesServiceAndHostButNotPath_exit3() {
        EnvironmentException e = RetryPolicy.unreachable("EBS", URI.create("https://ebs.eu-west-1.amazonaws.com/snapshots?sig=x"),
                new ConnectException());
        assertEquals("cannot reach EBS at https://ebs.eu-west-1.amazonaws.com: connection refused", e.getMessage());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertEquals("cannot reach GCS at http://127.0.0.1:9: Connection reset", RetryPolicy.unreachable("GCS",
                URI.create("http://127.0.0.1:9/upload"), new IOException("Connection reset")).getMessage());
    }
}
