package io.jcap.builder.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.LocalRegistry;
import io.jcap.testsupport.OciImages;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** from: a registry reference, against the plain registry of scripts/registry-services.sh, the image pushed by skopeo. */
@Requires({Component.REGISTRY, Component.CONTAINER_TOOLS})
class ContainerRegistryIT {
    @TempDir
    Path dir;

    @Test
    void read_registryReference_givesTheLayoutsTreeAndConfig_andAWrongDigestIsRefused() throws Exception {
        Path layout = ContainerImagesTest.twoLayerLayout(dir, "--config.cmd", "/etc/kept");
        String ref = LocalRegistry.local().plain() + "/from-it-" + UUID.randomUUID().toString().substring(0, 8) + "/app:1";
        OciImages.run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":1", "docker://" + ref);

        ContainerImage image = ContainerImages.read(ContainerSource.parse(ref, dir), Files.createTempDirectory(dir, "c"),
                EventSink.NONE);

        assertEquals(List.of("/", "/etc", "/etc/kept", "/var", "/var/cache", "/var/cache/new"),
                image.entries().stream().map(e -> e.path().value()).toList());
        assertEquals(List.of("/etc/kept"), image.config().command());
        String pinned = ref.substring(0, ref.lastIndexOf(':')) + "@sha256:" + "0".repeat(64);
        String refused = assertThrows(JcapException.class, () -> ContainerImages.read(ContainerSource.parse(pinned, dir),
                Files.createTempDirectory(dir, "c"), EventSink.NONE)).getMessage();
        assertTrue(refused.contains("sha256:" + "0".repeat(64)), refused);
    }
}
