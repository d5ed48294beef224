package io.jcap.builder.compose;

import io.jcap.builder.api.GuestCommandLine;
import io.jcap.model.EnvName;
import io.jcap.model.GuestPath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the guest init starts: the file {@code /.jcap/config} of docs/guest-protocol.md, one
 * {@code key value} setting a line. {@code volumes} are folders the init gives a writable tmpfs
 * over the read-only root (container images' Volumes).
 */
public record GuestConfig(List<String> argv, SortedMap<String, String> env, GuestPath cwd, Optional<GuestUser> user,
        OptionalInt stopSignal, List<GuestPath> volumes) {
    public static final GuestPath PATH = GuestPath.of("/.jcap/config");

    /** Runs as root, as every image did before container images. */
    public GuestConfig(List<String> argv, SortedMap<String, String> env, GuestPath cwd) {
        this(argv, env, cwd, Optional.empty(), OptionalInt.empty());
    }

    /** Stopped by SIGTERM, as every image was before container images' StopSignal. */
    public GuestConfig(List<String> argv, SortedMap<String, String> env, GuestPath cwd, Optional<GuestUser> user) {
        this(argv, env, cwd, user, OptionalInt.empty());
    }

    /** Without volumes, as every image was before container images' Volumes. */
    public GuestConfig(List<String> argv, SortedMap<String, String> env, GuestPath cwd, Optional<GuestUser> user,
            OptionalInt stopSignal) {
        this(argv, env, cwd, user, stopSignal, List.of());
    }

    public GuestConfig {
        java.util.Objects.requireNonNull(user, "user");
        volumes = List.copyOf(new java.util.TreeSet<>(volumes));
        if (volumes.contains(GuestPath.ROOT)) {
            throw new IllegalArgumentException("the root / cannot be a volume: name a folder inside it");
        }
        java.util.Objects.requireNonNull(stopSignal, "stopSignal");
        if (stopSignal.isPresent() && (stopSignal.getAsInt() < 1 || stopSignal.getAsInt() > 64)) {
            throw new IllegalArgumentException("stop signal " + stopSignal.getAsInt() + " is not from 1 to 64");
        }
        argv = List.copyOf(argv);
        env = new TreeMap<>(env);
        GuestCommandLine.check(argv);
        for (Map.Entry<String, String> e : env.entrySet()) {
            GuestCommandLine.checkEnv(e.getKey(), e.getValue());
            if (!EnvName.valid(e.getKey())) {
                throw new IllegalArgumentException("environment variable name '" + e.getKey() + "' is not allowed");
            }
        }
    }

    public byte[] toBytes() {
        StringBuilder text = new StringBuilder();
        argv.forEach(a -> text.append("arg ").append(a).append('\n'));
        env.forEach((k, v) -> text.append("env ").append(k).append('=').append(v).append('\n'));
        text.append("cwd ").append(cwd.value()).append('\n');
        user.ifPresent(u -> text.append("user ").append(u.setting()).append('\n'));
        stopSignal.ifPresent(n -> text.append("stop_signal ").append(n).append('\n'));
        volumes.forEach(v -> text.append("volume ").append(v.value()).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
