package io.jcap.builder.container;

import io.jcap.capstanfile.CommandWords;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
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
        ContainerRun run = ContainerRun.of(image, Optional.empty(), Map.of());
        ContainerConfig c = image.config();
        StringBuilder text = new StringBuilder()
                .append("# A VM image of the container image below: its layers are the image's files (docs/containers.md).\n")
                .append("# The keys after from: were derived from its config; edit them, or remove one to keep the\n")
                .append("# image's own value.\n")
                .append("from: ").append(quoted(from)).append('\n')
                .append("# Entrypoint ").append(c.entrypoint()).append(", Cmd ").append(c.cmd()).append('\n')
                .append("cmdline: ").append(quoted(CommandWords.join(run.argv()))).append('\n');
        text.append("# WorkingDir ").append(run.cwd()).append(", User ").append(c.user().orElse("root"))
                .append(run.user().map(u -> " (uid " + u.uid() + ", gid " + u.gid() + ")").orElse("")).append(": from the image\n");
        if (!run.env().isEmpty()) {
            text.append("env:\n");
            run.env().forEach((k, v) -> text.append("  ").append(k).append(": ").append(quoted(v)).append('\n'));
        }
        if (!run.ports().isEmpty()) {
            text.append("ports:\n");
            for (PortMapping p : run.ports()) {
                text.append("  - ").append(quoted(p.toString())).append('\n');
            }
        }
        if (!run.volumes().isEmpty()) {
            // Not a key: the image's Volumes always apply. Said, since they behave unlike Docker's.
            text.append("# Volumes ").append(String.join(" ", run.volumes().stream().map(GuestPath::value).toList()))
                    .append(": a writable tmpfs each, in memory and empty at every boot; what the image\n")
                    .append("# holds there is hidden (docs/containers.md)\n");
        }
        return text.toString();
    }

    /** A YAML double-quoted scalar: any text reads back as itself. */
    private static String quoted(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> q.append(ch < 0x20 ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
            }
        }
        return q.append('"').toString();
    }
}
