package io.jcap.builder.push.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.registry.DockerConfig;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the registry target makes of the options all targets share, before it contacts anything. */
class RegistryTargetTest {
    @TempDir
    Path home;

    @Test
    void dryRun_nameOtherThanTheImages_isRefusedSayingWhereTheNameGoes() {
        PushRequest request = PushRequest.of(SampleImages.hello(Path.of("/nowhere")), "127.0.0.1:5000/team/hello:1")
                .withRemoteName("web");
        JcapException e = assertThrows(JcapException.class, () -> target().dryRun(request));
        assertEquals("--name does not apply to a registry push: the reference 127.0.0.1:5000/team/hello:1 names the"
                + " image there; put 'web' in the reference instead, as in REGISTRY/web:TAG", e.getMessage());
    }

    @Test
    void dryRun_imagesOwnNameAndReplace_areAccepted() throws Exception {
        PushRequest request = PushRequest.of(SampleImages.hello(Path.of("/nowhere")), "127.0.0.1:5000/team/hello:1")
                .withReplace(true);
        List<String> lines = target().dryRun(request);
        assertTrue(lines.get(0).contains(" to 127.0.0.1:5000 as team/hello:1, a containerDisk"), lines.get(0));
    }

    @Test
    void dryRunAndPush_kubevirtManifestInAMissingFolder_areRefusedBeforeAnythingIsSent() {
        Path file = home.resolve("nonexistent/vm.yaml");
        PushRequest request = PushRequest.of(SampleImages.hello(Path.of("/nowhere")), "127.0.0.1:1/team/hello:1")
                .withOption("kubevirt-manifest", file.toString());
        String expected = "--kubevirt-manifest " + file + ": the folder " + file.getParent() + " does not exist";
        assertEquals(expected, assertThrows(JcapException.class, () -> target().dryRun(request)).getMessage());
        // Port 1 of this machine answers nothing: a push that got past the check would fail otherwise.
        assertEquals(expected, assertThrows(JcapException.class,
                () -> target().push(request, io.jcap.model.EventSink.NONE)).getMessage());
        PushRequest folder = PushRequest.of(SampleImages.hello(Path.of("/nowhere")), "127.0.0.1:1/team/hello:1")
                .withOption("kubevirt-manifest", home.toString());
        assertTrue(assertThrows(JcapException.class, () -> target().dryRun(folder)).getMessage()
                .startsWith("--kubevirt-manifest " + home + " is a folder"));
    }

    private RegistryTarget target() {
        return new RegistryTarget(new DockerConfig(java.util.Map.of(), home));
    }
}
