package io.jcap.capstanfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a command string into words, without a shell. Words are separated by white space, as in
 * Capstan; in addition, '...' and "..." group words and a backslash escapes the next character.
 * Nothing is expanded.
 *
 * <pre>{@code
 * CommandWords.split("/app/x 'a b'");   // [/app/x, a b]
 * }</pre>
 */
public final class CommandWords {
    private static final Set<String> SHELL_OPERATORS = Set.of("&&", "||", "|", ";", "&", ">", ">>", "<", "2>&1");

    private CommandWords() {
    }

    /**
     * Splits a command line (such as a package file's {@code cmdline}) into words.
     *
     * @throws IllegalArgumentException with a message for the user when quotes are unbalanced
     */
    public static List<String> split(String command) {
        return split(command, false);
    }

    /**
     * Joins words into a command line that {@link #split} reads back as the same words: plain words
     * as they are, others in double quotes with {@code "} and {@code \\} escaped.
     */
    public static String join(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String w : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (!w.isEmpty() && w.matches("[A-Za-z0-9_@%+=:,./-]+")) {
                line.append(w);
            } else {
                line.append('"').append(w.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return line.toString();
    }

    /**
     * Splits a {@code build} command. Shell syntax such as {@code &&} or {@code >} is refused, since
     * no shell would run it, and so is an empty command.
     *
     * @throws IllegalArgumentException with a message for the user when quotes are unbalanced or
     *     the command needs a shell
     */
    static List<String> splitBuild(String command) {
        List<String> words = split(command, true);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the build command is empty");
        }
        return words;
    }

    private static List<String> split(String command, boolean refuseShellSyntax) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < command.length()
                        && (command.charAt(i + 1) == '"' || command.charAt(i + 1) == '\\')) {
                    word.append(command.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    addWord(words, word.toString(), !quoted && refuseShellSyntax, command);
                    word.setLength(0);
                    inWord = false;
                    quoted = false;
                }
            } else {
                inWord = true;
                if (c == '\'' || c == '"') {
                    quote = c;
                    quoted = true;
                } else if (c == '\\' && i + 1 < command.length()) {
                    word.append(command.charAt(++i));
                    quoted = true;
                } else {
                    word.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException(SchemaMessages.quote(command) + " has an unclosed " + quote + " quote");
        }
        if (inWord) {
            addWord(words, word.toString(), !quoted && refuseShellSyntax, command);
        }
        return List.copyOf(words);
    }

    private static void addWord(List<String> words, String word, boolean check, String command) {
        if (check && SHELL_OPERATORS.contains(word)) {
            throw new IllegalArgumentException(SchemaMessages.quote(command) + " uses shell syntax (" + word
                    + ") but runs without a shell: write build: [sh, -c, \"" + command.replace("\"", "\\\"") + "\"]");
        }
        words.add(word);
    }
}
