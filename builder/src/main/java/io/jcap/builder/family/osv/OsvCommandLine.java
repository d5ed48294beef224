package io.jcap.builder.family.osv;

import io.jcap.model.JcapException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * OSv's command line, which it reads from byte 512 of its disk: OSv's own options first
 * ({@code --rootfs=rofs}, {@code --env=NAME=VALUE}...), then the application's command. A run
 * changes it for that run only: {@code -e} adds or replaces {@code --env=} options, {@code --cmd}
 * replaces the command.
 *
 * <pre>{@code
 * OsvCommandLine.forRun("--rootfs=rofs --env=A=1 /hello", Map.of("A", "2"), Optional.empty());
 * // "--rootfs=rofs --env=A=2 /hello"
 * }</pre>
 */
final class OsvCommandLine {
    /** Characters OSv's command-line parser would split or interpret in an {@code --env=} value. */
    private static final Pattern UNSAFE_ENV = Pattern.compile("[\\s\"'\\\\;&]");
    private static final String ENV = "--env=";

    private OsvCommandLine() {
    }

    /**
     * The {@code --env=NAME=VALUE} option for a variable.
     *
     * @param where names the setting in an error: {@code Capstanfile: env.NAME}, {@code -e NAME}
     */
    static String envOption(String name, String value, String where) throws JcapException {
        if (!envSafe(value)) {
            throw new JcapException(where + ": " + envRule(name));
        }
        return ENV + name + "=" + value;
    }

    /** Whether OSv's command line can carry {@code value} in an {@code --env} option. */
    static boolean envSafe(String value) {
        return !UNSAFE_ENV.matcher(value).find();
    }

    /** Why a value {@link #envSafe} refuses cannot be variable {@code name}'s. */
    static String envRule(String name) {
        return "OSv reads environment variables from its command line (" + ENV + name + "=...), which cannot carry"
                + " spaces, quotes, backslashes, ';' or '&': use a value without them";
    }

    /** The command line of one run: the stored one with the run's variables and command. */
    static String forRun(String stored, Map<String, String> env, Optional<String> cmd) throws JcapException {
        String[] words = stored.trim().isEmpty() ? new String[0] : stored.trim().split("\\s+");
        List<String> options = new ArrayList<>();
        int i = 0;
        for (; i < words.length && words[i].startsWith("--"); i++) {
            String word = words[i];
            boolean replaced = word.startsWith(ENV) && env.keySet().stream()
                    .anyMatch(name -> word.startsWith(ENV + name + "="));
            if (!replaced) {
                options.add(word);
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            options.add(envOption(e.getKey(), e.getValue(), "-e " + e.getKey()));
        }
        String command = cmd.map(String::trim).orElse(String.join(" ", List.of(words).subList(i, words.length)));
        if (!command.isEmpty()) {
            options.add(command);
        }
        return String.join(" ", options);
    }
}
