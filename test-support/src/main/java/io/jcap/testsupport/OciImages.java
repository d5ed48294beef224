package io.jcap.testsupport;

import io.jcap.host.HostTool;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Container images made in a test from host folders with Debian's tools, never downloaded: each
 * folder becomes a layer ({@code tar}, owners kept numerically, {@code umoci raw add-layer}), the
 * config is set with {@code umoci config}, archives are written by {@code skopeo copy}. A file
 * named {@code .wh.NAME} or {@code .wh..wh..opq} in a folder is a whiteout in its layer. Needs
 * {@code @Requires(CONTAINER_TOOLS)}.
 *
 * <pre>{@code
 * Path layout = OciImages.layout(temp.resolve("layout"), "1", List.of(layerFolder), "--config.cmd", "/hello");
 * OciImages.copy(layout, "1", "docker-archive:" + temp.resolve("hello.tar"));
 * }</pre>
 */
public final class OciImages {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private OciImages() {
    }

    /** Makes {@code layout} holding image {@code tag} of the {@code layers}, then runs {@code umoci config} with {@code config}. */
    public static Path layout(Path layout, String tag, List<Path> layers, String... config) throws Exception {
        run("umoci", "init", "--layout", layout.toString());
        run("umoci", "new", "--image", layout + ":" + tag);
        for (Path folder : layers) {
            Path tar = Files.createTempFile(layout.getParent(), "layer", ".tar");
            run("tar", "--numeric-owner", "--sort=name", "-C", folder.toString(), "-cf", tar.toString(), ".");
            run("umoci", "raw", "add-layer", "--image", layout + ":" + tag, tar.toString());
            Files.delete(tar);
        }
        if (config.length > 0) {
            List<String> command = new ArrayList<>(List.of("umoci", "config", "--image", layout + ":" + tag));
            command.addAll(List.of(config));
            run(command.toArray(String[]::new));
        }
        return layout;
    }

    /** Copies {@code oci:LAYOUT:TAG} to {@code target} ({@code docker-archive:FILE}, {@code oci-archive:FILE}). */
    public static void copy(Path layout, String tag, String target) throws Exception {
        run("skopeo", "copy", "--quiet", "oci:" + layout + ":" + tag, target);
    }

    public static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    public static String run(String... command) throws JcapException {
        HostTool.Result r = HostTool.run(List.of(command), TIMEOUT);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.stderr());
        }
        return r.stdout();
    }
}
