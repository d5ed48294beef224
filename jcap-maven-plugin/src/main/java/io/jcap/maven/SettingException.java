package io.jcap.maven;

import java.util.List;

/**
 * A pom setting (or a project) the plugin cannot make an image of: one line per problem, each
 * naming the setting and how to fix it. The mojos report it as a build failure without a stack
 * trace.
 */
final class SettingException extends Exception {
    SettingException(List<String> problems) {
        super(String.join("\n", problems));
    }

    SettingException(String problem) {
        super(problem);
    }
}
