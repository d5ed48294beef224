package io.jcap.cli;

import io.jcap.model.EnvName;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The variables of a run as {@code docker run} takes them: {@code --env-file FILE} (lines of
 * {@code KEY=VALUE}, {@code #} comments and blank lines) first, then {@code -e KEY=VALUE}; a
 * {@code KEY} alone, in either, passes jcap's own value of it and nothing when jcap has none.
 * Values are taken as written, quotes included, as docker run does.
 */
final class EnvOptions {
    private EnvOptions() {
    }

    /** The {@code KEY=VALUE} entries for {@link RunOptions#env}, later ones winning. */
    static List<String> entries(List<Path> files, List<String> options, Map<String, String> host) {
        List<String> entries = new ArrayList<>();
        for (Path file : files) {
            entries.addAll(fromFile(file, host));
        }
        for (String option : options) {
            if (option.indexOf('=') > 0) {
                entries.add(option);
            } else if (option.isEmpty() || option.startsWith("=")) {
                throw RunOptions.usage("-e: '" + option + "' is not KEY=VALUE or KEY");
            } else {
                fromHost(option, host, entries);
            }
        }
        return entries;
    }

    /** A {@code KEY} alone: jcap's own value of it, nothing when jcap has none. */
    private static void fromHost(String name, Map<String, String> host, List<String> entries) {
        if (host.containsKey(name)) {
            entries.add(name + "=" + host.get(name));
        }
    }

    private static List<String> fromFile(Path file, Map<String, String> host) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw RunOptions.usage("--env-file " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw RunOptions.usage("--env-file " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw RunOptions.usage("--env-file " + file + ": " + e.getMessage());
        }
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripLeading();
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line.strip() : line.substring(0, eq);
            if (!EnvName.valid(name)) {
                throw RunOptions.usage(file + ":" + (i + 1) + ": " + (eq == 0 || name.isEmpty() ? "'" + line
                        + "' is not KEY=VALUE or KEY" : "variable name '" + name + "' is not allowed: "
                        + EnvName.RULE));
            }
            if (eq >= 0) {
                entries.add(line);
            } else {
                fromHost(name, host, entries);
            }
        }
        return entries;
    }
}
