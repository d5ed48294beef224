package io.jcap.maven;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the command-line options jcap's messages advise ({@code use --name to keep it},
 * {@code push with --replace}) into the settings a goal takes instead ({@code -Djcap.image},
 * {@code -Djcap.replace=true}): the builder speaks the CLI's words, and a Maven user reading them
 * would look for options the plugin does not have. Each goal names what its own options mean:
 * {@code --name} is the image's name for {@code jcap:build}, the remote name for {@code jcap:push}
 * and the instance's name for {@code jcap:run}.
 */
final class PluginWords {
    private final Map<String, String> words;

    private PluginWords(Map<String, String> words) {
        this.words = words;
    }

    /** The words every goal shares, with {@code --name} meaning {@code name}. */
    static PluginWords of(String name) {
        Map<String, String> words = new LinkedHashMap<>();
        words.put("jcap build --force", "mvn jcap:build -Djcap.force=true");
        words.put("--force", "-Djcap.force=true");
        words.put("--replace", "-Djcap.replace=true");
        words.put("--name", name);
        return new PluginWords(words);
    }

    /** The message with each option word in it (not part of a longer word) rewritten. */
    String rewrite(String message) {
        if (message == null) {
            return null;
        }
        String alternatives = String.join("|", words.keySet().stream().map(Pattern::quote).toList());
        Matcher m = Pattern.compile("(?<![\\w-])(?:" + alternatives + ")(?![\\w-])").matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(words.get(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
