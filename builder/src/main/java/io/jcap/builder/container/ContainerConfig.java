package io.jcap.builder.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.formats.json.JsonTrees;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What of an image config ({@code application/vnd.oci.image.config.v1+json}, Docker's is the
 * same) jcap uses, and the keys it reads but cannot honour in a VM (reported at build time).
 *
 * @param entrypoint {@code config.Entrypoint}
 * @param cmd {@code config.Cmd}
 * @param env {@code config.Env}, {@code NAME=value} each
 * @param workingDir {@code config.WorkingDir}, empty when unset
 * @param user {@code config.User}, empty when unset
 * @param stopSignal {@code config.StopSignal}, empty when unset
 * @param exposedPorts {@code config.ExposedPorts}' keys ({@code 6379/tcp})
 * @param diffIds {@code rootfs.diff_ids}: the digests of the uncompressed layers
 * @param ignored the keys set in the config that a jcap VM does not honour ({@code Healthcheck})
 * @param volumes {@code config.Volumes}' keys ({@code /data}), as the config writes them
 */
public record ContainerConfig(List<String> entrypoint, List<String> cmd, List<String> env, Optional<String> workingDir,
        Optional<String> user, Optional<String> stopSignal, List<String> exposedPorts, List<Sha256> diffIds, List<String> ignored,
        List<String> volumes) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NOT_HONOURED = List.of("Healthcheck", "OnBuild", "Shell");

    public ContainerConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        exposedPorts = List.copyOf(exposedPorts);
        diffIds = List.copyOf(diffIds);
        ignored = List.copyOf(ignored);
        volumes = List.copyOf(volumes);
    }

    /** Entrypoint followed by Cmd: the command a runtime starts. */
    public List<String> command() {
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        return argv;
    }

    static ContainerConfig parse(byte[] bytes, String where) throws JcapException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new JcapException(where + ": the image config is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new JcapException(where + ": the image config is not a JSON object");
        }
        String os = root.path("os").asText("linux");
        String arch = root.path("architecture").asText("amd64");
        if (!os.equals("linux") || !arch.equals("amd64")) {
            throw new JcapException(where + " is a " + os + "/" + arch + " image: jcap boots linux/amd64 guests");
        }
        JsonNode c = root.path("config");
        List<String> ports = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        c.path("ExposedPorts").fieldNames().forEachRemaining(port -> {
            // A VM's forwards are QEMU's user network's, which carries TCP and UDP only.
            if (port.matches("(?i).*/(tcp|udp)") || !port.contains("/")) {
                ports.add(port);
            } else {
                ignored.add("ExposedPorts " + port);
            }
        });
        List<String> volumes = new ArrayList<>();
        c.path("Volumes").fieldNames().forEachRemaining(volumes::add);
        List<Sha256> diffIds = new ArrayList<>();
        for (JsonNode d : root.path("rootfs").path("diff_ids")) {
            String text = d.asText("");
            if (!text.startsWith("sha256:")) {
                throw new JcapException(where + ": the image config has diff_id '" + text + "': jcap reads sha256 only");
            }
            diffIds.add(Sha256.parse(text.substring(7)));
        }
        for (String key : NOT_HONOURED) {
            JsonNode v = c.path(key);
            if (!v.isMissingNode() && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                ignored.add(key);
            }
        }
        return new ContainerConfig(strings(c, "Entrypoint", where), strings(c, "Cmd", where), strings(c, "Env", where),
                text(c.path("WorkingDir")), text(c.path("User")), text(c.path("StopSignal")), ports, diffIds, ignored,
                volumes);
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.textValue().isEmpty() ? Optional.of(node.textValue()) : Optional.empty();
    }

    /** {@code config.KEY}, a list of strings (or absent, or null); anything else is refused, not skipped. */
    private static List<String> strings(JsonNode config, String key, String where) throws JcapException {
        JsonNode node = config.path(key);
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new JcapException(where + ": the image config's " + key + " is " + JsonTrees.kind(node)
                    + ", not a list of strings");
        }
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw new JcapException(where + ": the image config's " + key + " holds " + JsonTrees.kind(n)
                        + ", not only strings");
            }
            out.add(n.textValue());
        }
        return out;
    }
}
