package io.jcap.kernels.osv;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several OSv command lines made one whose programs run one after the other, the way Capstan runs
 * several configurations of a package ({@code config_set_default: a,b}, {@code capstan run --boot
 * a --boot b}: it boots {@code runscript /run/a;runscript /run/b;}).
 *
 * <p>OSv separates commands with {@code ;} and runs them in turn. It reads the whole line, every
 * script's {@code --env} included, before the first program starts, and Capstan's scripts set a
 * variable only where it is not set yet; so the joined line takes each variable's first value and
 * every program sees them all. The loader's other options ({@code --rootfs=rofs}) come once, in
 * front.
 *
 * <pre>{@code
 * OsvCommandSequence.join(List.of("--rootfs=rofs --env=A=1 /setup.so", "--rootfs=rofs --env=A=2 --env=B=3 /app.so"));
 * // "--rootfs=rofs --env=A=1 --env=B=3 /setup.so; /app.so"
 * }</pre>
 */
public final class OsvCommandSequence {
    private static final String ENV = "--env=";
    /** A loader option in front of the command, and the blanks after it. */
    private static final Pattern OPTION = Pattern.compile("(--\\S+)(\\s+|$)");

    private OsvCommandSequence() {
    }

    /** The command lines, each its options ({@code --NAME...} words) then its command, run in turn. */
    public static String join(List<String> lines) {
        if (lines.size() == 1) {
            return lines.get(0);
        }
        Set<String> options = new LinkedHashSet<>();
        Set<String> variables = new LinkedHashSet<>();
        List<String> env = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (String line : lines) {
            String rest = line.strip();
            Matcher option;
            while ((option = OPTION.matcher(rest)).lookingAt()) {
                String word = option.group(1);
                rest = rest.substring(option.end());
                if (word.startsWith(ENV)) {
                    String assignment = word.substring(ENV.length());
                    int eq = assignment.indexOf('=');
                    if (variables.add(eq < 0 ? assignment : assignment.substring(0, eq))) {
                        env.add(word);
                    }
                } else {
                    options.add(word);
                }
            }
            commands.add(rest);
        }
        List<String> joined = new ArrayList<>(options);
        joined.addAll(env);
        joined.add(String.join("; ", commands));
        return String.join(" ", joined);
    }
}
