package io.jcap.builder.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.host.Durable;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A KubeVirt {@code VirtualMachine} that boots a pushed image from its containerDisk, pinned to the
 * manifest's digest, with the image's memory, CPUs and published ports (on the pod network,
 * masqueraded), a virtio disk and a random number device; {@code kubectl apply -f FILE} starts it
 * and {@code virtctl console NAME} shows its serial console.
 *
 * <pre>{@code
 * KubeVirtManifest.write(Path.of("hello-vm.yaml"), pushed, image.metadata());
 * }</pre>
 */
public final class KubeVirtManifest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private KubeVirtManifest() {
    }

    /** The manifest's YAML for {@code pushed} (a reference with its digest) of the image {@code m}. */
    public static String yaml(ImageReference pushed, ImageMetadata m) throws JcapException {
        String name = resourceName(m.name());
        ObjectNode vm = YAML.createObjectNode().put("apiVersion", "kubevirt.io/v1").put("kind", "VirtualMachine");
        ObjectNode meta = vm.putObject("metadata").put("name", name);
        meta.putObject("labels").put("app.kubernetes.io/managed-by", "jcap");
        meta.putObject("annotations").put("io.jcap.image", pushed.toString());
        ObjectNode spec = vm.putObject("spec").put("runStrategy", "Always");
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("kubevirt.io/domain", name);
        ObjectNode tspec = template.putObject("spec");
        ObjectNode domain = tspec.putObject("domain");
        domain.putObject("cpu").put("cores", m.cpus());
        domain.putObject("memory").put("guest", m.memoryMiB() + "Mi");
        ObjectNode devices = domain.putObject("devices");
        devices.putArray("disks").addObject().put("name", "containerdisk").putObject("disk").put("bus", "virtio");
        ObjectNode nic = devices.putArray("interfaces").addObject().put("name", "default");
        nic.putObject("masquerade");
        if (!m.ports().isEmpty()) {
            ArrayNode ports = nic.putArray("ports");
            for (PortMapping p : m.ports()) {
                ports.addObject().put("port", p.guest()).put("protocol", p.protocol().name().toUpperCase(Locale.ROOT));
            }
        }
        devices.putObject("rng");
        tspec.putArray("networks").addObject().put("name", "default").putObject("pod");
        tspec.putArray("volumes").addObject().put("name", "containerdisk").putObject("containerDisk")
                .put("image", pushed.toString());
        try {
            return YAML.writeValueAsString(vm);
        } catch (IOException e) {
            throw new JcapException("cannot render the KubeVirt manifest of " + pushed + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a manifest path that cannot be written: its folder missing or not writable, or the
     * path a folder. Checked before a push sends anything.
     */
    public static void checkWritable(Path file) throws JcapException {
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        if (java.nio.file.Files.isDirectory(absolute)) {
            throw JcapException.usage("--kubevirt-manifest " + file + " is a folder: name the file to write (e.g. "
                    + file.resolve("vm.yaml") + ")");
        }
        if (folder == null || !java.nio.file.Files.isDirectory(folder)) {
            throw JcapException.usage("--kubevirt-manifest " + file + ": the folder " + folder + " does not exist");
        }
        if (!java.nio.file.Files.isWritable(folder)) {
            throw JcapException.usage("--kubevirt-manifest " + file + ": the folder " + folder + " is not writable");
        }
    }

    /** Writes {@link #yaml} to {@code file}, replacing it atomically. */
    public static Path write(Path file, ImageReference pushed, ImageMetadata m) throws JcapException {
        String text = yaml(pushed, m);
        try {
            Durable.writeAtomically(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JcapException("cannot write the KubeVirt manifest to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** A Kubernetes object name (RFC 1123 label) from an image name: lower case, '-' for anything else. */
    static String resourceName(String imageName) {
        String n = imageName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        n = n.isEmpty() ? "jcap-image" : n;
        return n.length() > 63 ? n.substring(0, 63).replaceAll("-+$", "") : n;
    }
}
