package io.jcap.builder;

import io.jcap.model.GuestPath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the guest init starts: the file {@code /.jcap/config} of docs/guest-protocol.md, one
 * {@code key value} setting a line.
 */
public record GuestConfig(List<String> argv, SortedMap<String, String> env, GuestPath cwd) {
    public static final GuestPath PATH = GuestPath.of("/.jcap/config");

    public GuestConfig {
        argv = List.copyOf(argv);
        env = new TreeMap<>(env);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("the command line is empty: say what the image runs (cmdline: /app/hello)");
        }
        if (!argv.get(0).startsWith("/")) {
            throw new IllegalArgumentException("the command '" + argv.get(0)
                    + "' must be an absolute path inside the image (e.g. /app/" + argv.get(0) + ")");
        }
        for (String arg : argv) {
            checkLine("argument", arg);
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            checkLine("environment variable " + e.getKey(), e.getValue());
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("environment variable name '" + e.getKey() + "' is not allowed");
            }
        }
    }

    private static void checkLine(String what, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " may not contain a newline or NUL character: "
                    + value.replace("\n", "\\n"));
        }
    }

    public byte[] toBytes() {
        StringBuilder text = new StringBuilder();
        argv.forEach(a -> text.append("arg ").append(a).append('\n'));
        env.forEach((k, v) -> text.append("env ").append(k).append('=').append(v).append('\n'));
        text.append("cwd ").append(cwd.value()).append('\n');
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
