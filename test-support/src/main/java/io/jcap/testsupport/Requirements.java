package io.jcap.testsupport;

import java.util.List;

/**
 * The same decision as {@link Requires}, for tests that check in code: in {@code @BeforeAll}
 * when they need a value (a detected QEMU, a stored kernel) or when a need depends on the test.
 * Missing, the test skips on a developer's machine and fails under {@code CI=true}.
 *
 * <pre>{@code
 * Requirements.require(Component.SSHD);
 * Requirements.requireProgram("mke2fs", "e2fsprogs");
 * Requirements.require(Files.isRegularFile(BUSYBOX), "/bin/busybox (apt-get install busybox-static)");
 * }</pre>
 */
public final class Requirements {
    private Requirements() {
    }

    public static void require(Component... components) {
        RequiresCondition.verdict(components).enforce();
    }

    /** Needs {@code what} (say how to install it), which the caller found {@code present} or not. */
    public static void require(boolean present, String what) {
        if (!present) {
            missing(what);
        }
    }

    /** Needs {@code program} on the PATH, from the Debian package {@code packageName}. */
    public static void requireProgram(String program, String packageName) {
        require(HostEnvironment.current().onPath(program).isPresent(), program + " (apt-get install " + packageName + ")");
    }

    /**
     * Skips the running test, or fails it under {@code CI=true}: {@code what} is missing. Never
     * returns; the type parameter lets a caller write {@code return Requirements.missing(...)}.
     */
    public static <T> T missing(String what) {
        Verdict.of(List.of(what), HostEnvironment.current()).enforce();
        throw new AssertionError("unreachable: a verdict with something missing skips or fails");
    }

    /**
     * Whether a test may count on {@code component}: it is there, or {@code CI=true} promises it
     * (for a test that checks what jcap says about a component without needing it).
     */
    public static boolean expected(Component component) {
        return RequiresCondition.verdict(component).kind() != Verdict.Kind.SKIP;
    }
}
