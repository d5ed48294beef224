package io.jcap.testsupport;

import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/**
 * Whether a test that needs some components runs, skips or fails: it runs when nothing is
 * missing; otherwise it skips on a developer's machine and fails under {@code CI=true}, where
 * every component is installed and a skip would hide that a test did not run.
 *
 * <pre>{@code
 * Verdict.of(List.of("QEMU (apt-get install qemu-system-x86)"), HostEnvironment.current()).enforce();
 * }</pre>
 *
 * @param missing what is missing, each with how to install it; empty when the test runs
 */
public record Verdict(Kind kind, List<String> missing) {
    /** What happens to the test. */
    public enum Kind { RUN, SKIP, FAIL }

    public Verdict {
        missing = List.copyOf(missing);
        if ((kind == Kind.RUN) != missing.isEmpty()) {
            throw new IllegalArgumentException("a test runs exactly when nothing is missing: " + kind + " " + missing);
        }
    }

    public static Verdict of(List<String> missing, HostEnvironment env) {
        if (missing.isEmpty()) {
            return new Verdict(Kind.RUN, missing);
        }
        return new Verdict(env.ci() ? Kind.FAIL : Kind.SKIP, missing);
    }

    /** Why the test skips or fails: "needs X" on a developer's machine, "CI must provide X" under CI. */
    public String message() {
        String what = String.join("; ", missing);
        return switch (kind) {
            case RUN -> "nothing is missing";
            case SKIP -> "needs " + what;
            case FAIL -> "CI must provide " + what;
        };
    }

    /** Returns when the test runs, aborts it (a skip) or fails it. */
    public void enforce() {
        switch (kind) {
            case RUN -> { }
            case SKIP -> Assumptions.abort(message());
            case FAIL -> Assertions.fail(message());
        }
    }

    /**
     * The answer of an {@link org.junit.jupiter.api.extension.ExecutionCondition}: enabled or
     * disabled; a failure is thrown, which JUnit reports as a failed test, not a skipped one.
     */
    public ConditionEvaluationResult toConditionResult() {
        return switch (kind) {
            case RUN -> ConditionEvaluationResult.enabled(message());
            case SKIP -> ConditionEvaluationResult.disabled(message());
            case FAIL -> Assertions.fail(message());
        };
    }
}
