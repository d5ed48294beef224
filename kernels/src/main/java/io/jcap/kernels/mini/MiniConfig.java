package io.jcap.kernels.mini;

import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * linux-mini's config fragment ({@code linux-mini.config} beside this class): the settings jcap
 * puts on top of {@code tinyconfig}, each with its reason in a comment, and its digest, which is
 * part of the stored kernel's origin so that a changed fragment asks for a new build.
 *
 * <pre>{@code
 * MiniConfig config = MiniConfig.bundled();
 * config.missingFrom(Files.readAllLines(src.resolve(".config"))); // [] when every setting held
 * }</pre>
 *
 * @param text the fragment as stored
 */
public record MiniConfig(String text) {
    static final String RESOURCE = "linux-mini.config";

    /** The fragment this jcap carries. */
    public static MiniConfig bundled() {
        try (InputStream in = MiniConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from this build of jcap");
            }
            return new MiniConfig(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-256 of the fragment's bytes. */
    public Sha256 digest() {
        return Sha256.of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The fragment's settings, such as {@code CONFIG_64BIT=y} or {@code # CONFIG_SWAP is not set}, in order. */
    public List<String> settings() {
        List<String> settings = new ArrayList<>();
        for (String line : text.split("\n")) {
            String s = line.strip();
            if (s.startsWith("CONFIG_") || s.matches("# CONFIG_\\w+ is not set")) {
                settings.add(s);
            }
        }
        return settings;
    }

    /**
     * The settings that Kconfig did not keep in {@code dotConfig} (the lines of a finished
     * {@code .config}): an option whose dependencies are off stays off whatever the fragment says.
     */
    public List<String> missingFrom(List<String> dotConfig) {
        Set<String> lines = Set.copyOf(dotConfig.stream().map(String::strip).toList());
        List<String> missing = new ArrayList<>();
        for (String setting : settings()) {
            boolean off = setting.startsWith("#");
            String name = off ? setting.substring(2, setting.indexOf(' ', 2)) : setting.substring(0, setting.indexOf('='));
            // An option that is off may also be absent altogether, when its menu is off.
            boolean held = off ? lines.stream().noneMatch(l -> l.startsWith(name + "=")) : lines.contains(setting);
            if (!held) {
                missing.add(setting);
            }
        }
        return missing;
    }
}
