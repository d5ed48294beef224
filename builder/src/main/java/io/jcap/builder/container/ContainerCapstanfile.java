package io.jcap.builder.container;

import io.jcap.capstanfile.CommandWords;
import io.jcap.model.EnvName;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Capstanfile {@code jcap init --from IMAGE} writes: {@code from:} and, spelled out so that a
 * user can edit them, what jcap derived from the image config (the command with its program found,
 * the environment, the ports), with the folder, the user and the Volumes as comments.
 *
 * <pre>{@code
 * String text = ContainerCapstanfile.describe("docker-archive:redis.tar", projectDir, scratch, events);
 * }</pre>
 */
public final class ContainerCapstanfile {
    private ContainerCapstanfile() {
    }

    /** Reads the image (every digest checked) with {@code scratch} as its temp folder and describes it. */
    public static String describe(String from, Path projectDir, Path scratch, EventSink events) throws JcapException {
        ContainerSource source;
        try {
            source = ContainerSource.parse(from, projectDir);
        } catch (IllegalArgumentException e) {
            throw new JcapException("--from: " + e.getMessage(), e);
        }
        ContainerImage image = ContainerImages.read(source, scratch, events);
        ContainerConfig c = image.config();
        // An image without a command (a base image) still gets its Capstanfile, with the command
        // left for the user to write: validate and build name the empty cmdline until then.
        boolean noCommand = c.command().isEmpty();
        ContainerRun run = ContainerRun.of(image, noCommand ? Optional.of(List.of("/")) : Optional.empty(), Map.of());
        if (noCommand) {
            events.warn(from + " has neither Entrypoint nor Cmd: write what the VM runs as cmdline in the Capstanfile");
        }
        StringBuilder text = new StringBuilder()
                .append("# A VM image of the container image below: its layers are the image's files (docs/containers.md).\n")
                .append("# The keys after from: were derived from its config; edit them, or remove one to keep the\n")
                .append("# image's own value.\n")
                .append("from: ").append(quoted(from)).append('\n')
                .append("# Entrypoint ").append(comment(c.entrypoint().toString())).append(", Cmd ")
                .append(comment(c.cmd().toString())).append('\n')
                .append(noCommand ? "# The image has no command: write what the VM runs (cmdline: /usr/bin/app --flag)\n"
                        + "cmdline: \"\"\n" : "cmdline: " + quoted(CommandWords.join(run.argv())) + "\n");
        text.append("# WorkingDir ").append(comment(run.cwd().value())).append(", User ").append(comment(c.user().orElse("root")))
                .append(run.user().map(u -> " (uid " + u.uid() + ", gid " + u.gid() + ")").orElse("")).append(": from the image\n");
        if (!run.env().isEmpty()) {
            text.append("env:\n");
            run.env().forEach((k, v) -> text.append("  ").append(EnvName.valid(k) ? k : quoted(k)).append(": ")
                    .append(quoted(v)).append('\n'));
        }
        if (!run.ports().isEmpty()) {
            text.append("ports:\n");
            for (PortMapping p : run.ports()) {
                text.append("  - ").append(quoted(p.toString())).append('\n');
            }
        }
        if (!run.volumes().isEmpty()) {
            // Not a key: the image's Volumes always apply. Said, since they behave unlike Docker's.
            text.append("# Volumes ").append(comment(String.join(" ", run.volumes().stream().map(GuestPath::value).toList())))
                    .append(": a writable tmpfs each, in memory and empty at every boot; what the image\n")
                    .append("# holds there is hidden (docs/containers.md)\n");
        }
        return text.toString();
    }

    /**
     * A YAML double-quoted scalar: any text reads back as itself. Everything the image's config
     * holds is its author's: a line break of any kind YAML knows (CR, NEL, U+2028, U+2029, not
     * only LF) or a character YAML does not allow in a file is written as an escape, so that no
     * value can end its line and add keys (a {@code build} command the build would run on this
     * host) to the Capstanfile.
     */
    static String quoted(String value) {
        StringBuilder q = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (plain(c)) {
                        q.appendCodePoint(c);
                    } else {
                        q.append(escape(c));
                    }
                }
            }
        });
        return q.append('"').toString();
    }

    /**
     * Text from the image's config for a comment line: what would end the line, or is no printable
     * YAML character, is written as an escape (the same rule as {@link #quoted}, without quotes).
     */
    static String comment(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == '\t' || plain(c)) {
                out.appendCodePoint(c);
            } else {
                out.append(c == '\n' ? "\\n" : escape(c));
            }
        });
        return out.toString();
    }

    /** Printable in a YAML file and no line break: U+0020-U+007E, and from U+00A0 on, less the line and paragraph separators, the surrogates, U+FEFF and U+FFFE-U+FFFF. */
    private static boolean plain(int c) {
        return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029)
                || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) || (c >= 0x10000 && c <= 0x10ffff);
    }

    private static String escape(int c) {
        return c <= 0xff ? String.format(Locale.ROOT, "\\x%02x", c) : c <= 0xffff ? String.format(Locale.ROOT, "\\u%04x", c)
                : String.format(Locale.ROOT, "\\U%08x", c);
    }
}
