package io.jcap.builder;

import io.jcap.capstanfile.SchemaPasses;
import io.jcap.host.Durable;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Capstanfile texts that passed the schema, kept in jcap's cache folder (one key a line,
 * the {@link #LIMIT} latest), so that a rebuild of an unchanged Capstanfile does not load the
 * schema validator again. A damaged file or one that cannot be written only costs the check.
 */
final class ValidCapstanfiles implements SchemaPasses {
    /** How many texts are remembered. */
    static final int LIMIT = 256;

    private final Path file;
    private final Set<String> keys = new LinkedHashSet<>();

    ValidCapstanfiles(Path file) {
        this.file = file;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.matches("[0-9a-f]{64}")) {
                    keys.add(line);
                }
            }
        } catch (IOException e) {
            // None yet, or unreadable: every text is checked.
        }
    }

    @Override
    public boolean contains(Sha256 key) {
        return keys.contains(key.hex());
    }

    @Override
    public void add(Sha256 key) {
        keys.remove(key.hex());
        keys.add(key.hex());
        List<String> kept = new ArrayList<>(keys);
        kept = kept.subList(Math.max(0, kept.size() - LIMIT), kept.size());
        try {
            Files.createDirectories(file.getParent());
            Durable.writeAtomically(file, (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Only a cache: the text is checked again next time.
        }
    }
}
