package io.jcap.builder.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A registry's {@code WWW-Authenticate} answer: the scheme ({@code Basic} or {@code Bearer}) and
 * its parameters ({@code realm}, {@code service}, {@code scope}), as RFC 7235 writes them.
 *
 * <pre>{@code
 * AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry\"").orElseThrow();
 * c.param("realm"); // https://auth.example/token
 * }</pre>
 *
 * @param scheme the scheme, lower case
 * @param params the parameters by lower-case name
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
    public AuthChallenge {
        params = Map.copyOf(params);
    }

    /** The challenge in {@code header}, or empty when there is none to read. */
    public static Optional<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < text.length() && text.charAt(j) == '"') {
                for (j++; j < text.length() && text.charAt(j) != '"'; j++) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    value.append(text.charAt(j));
                }
                j++;
            } else {
                for (; j < text.length() && text.charAt(j) != ','; j++) {
                    value.append(text.charAt(j));
                }
            }
            params.put(name, value.toString().strip());
            while (j < text.length() && (text.charAt(j) == ',' || text.charAt(j) == ' ')) {
                j++;
            }
            i = j;
        }
        return Optional.of(new AuthChallenge(scheme, params));
    }

    /** A parameter's value, or empty. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }
}
