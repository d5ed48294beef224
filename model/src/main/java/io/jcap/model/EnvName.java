package io.jcap.model;

import java.util.regex.Pattern;

/**
 * The one rule for an environment variable's name, as shells take them: letters, digits and
 * {@code _}, not starting with a digit. The Capstanfile's JSON Schema writes the same pattern.
 */
public final class EnvName {
    /** The rule in words, for messages: {@code ... is not allowed: } and this. */
    public static final String RULE = "use letters, digits and '_', not starting with a digit";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvName() {
    }

    public static boolean valid(String name) {
        return NAME.matcher(name).matches();
    }
}
