package io.jcap.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of the test machine's environment that decide whether a component is there and
 * whether a missing one skips or fails a test: the environment variables and the user's home.
 * Tests of that decision pass a made-up one instead of {@link #current()}.
 *
 * <pre>{@code
 * HostEnvironment ci = new HostEnvironment(Map.of("CI", "true", "PATH", "/usr/bin"), Path.of("/root"));
 * }</pre>
 */
public record HostEnvironment(Map<String, String> variables, Path userHome) {
    public HostEnvironment {
        variables = Map.copyOf(variables);
        if (userHome == null) {
            throw new IllegalArgumentException("a host environment needs the user's home");
        }
    }

    /** This JVM's environment variables and {@code user.home}. */
    public static HostEnvironment current() {
        return new HostEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Whether this is CI ({@code CI=true}), which installs every component: a missing one is a failure there. */
    public boolean ci() {
        return "true".equals(variables.get("CI"));
    }

    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name)).filter(v -> !v.isBlank());
    }

    /** Where {@code program} is on the {@code PATH}, if it is. */
    public Optional<Path> onPath(String program) {
        return Arrays.stream(variables.getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }

    /** The jcap home the CLI uses: {@code JCAP_HOME}, else {@code ~/.jcap}. */
    public Path jcapHome() {
        return variable("JCAP_HOME").map(Path::of).orElse(userHome.resolve(".jcap"));
    }
}
