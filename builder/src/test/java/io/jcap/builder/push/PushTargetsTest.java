package io.jcap.builder.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushTargetsTest {
    @Test
    void all_findsTheTargetsThroughTheServiceLoader() {
        assertEquals(List.of("aws", "azure", "gce", "libvirt", "openstack", "registry"),
                PushTargets.all().stream().map(PushTarget::name).toList());
    }

    @Test
    void named_unknown_listsTheTargets() {
        JcapException e = assertThrows(JcapException.class, () -> PushTargets.named("nowhere"));
        assertEquals("no push target 'nowhere': use one of aws, azure, gce, libvirt, openstack,"
                + " REGISTRY/REPOSITORY[:TAG]", e.getMessage());
    }

    @Test
    void named_registryReference_isTheRegistryTarget() throws Exception {
        assertEquals("registry", PushTargets.named("127.0.0.1:5000/team/hello:1").name());
    }

    @Test
    void checkOptionsOf_optionOfAnotherTarget_namesTheTargetsOptions() throws Exception {
        PushRequest request = PushRequest.of(SampleImages.hello(Path.of("/nowhere")), "openstack").withOption("pool", "default");
        JcapException e = assertThrows(JcapException.class, () -> request.checkOptionsOf(PushTargets.named("openstack")));
        assertEquals("target openstack takes no --pool: its options are --cloud, --visibility, --property", e.getMessage());
    }

    @Test
    void dryRun_everyTarget_refusesAnotherTargetsOption() throws Exception {
        // push.md: a target refuses options of another target, in a dry run as in a push.
        for (PushTarget target : PushTargets.all()) {
            String foreign = target.options().stream().anyMatch(o -> o.name().equals("pool")) ? "cloud" : "pool";
            String to = target.name().equals("registry") ? "127.0.0.1:5999/a/b:1" : target.name();
            PushRequest request = PushRequest.of(SampleImages.hello(Path.of("/nowhere")), to).withOption(foreign, "x");
            JcapException e = assertThrows(JcapException.class, () -> target.dryRun(request), target.name());
            assertEquals("target " + target.name() + " takes no --" + foreign, e.getMessage().split(":")[0],
                    e.getMessage());
        }
    }

    @Test
    void checkOptionsOf_singleOptionTwice_isRefused() throws Exception {
        PushRequest request = PushRequest.of(SampleImages.hello(Path.of("/nowhere")), "openstack")
                .withOption("cloud", "a").withOption("cloud", "b").withOption("property", "x=1").withOption("property", "y=2");
        JcapException e = assertThrows(JcapException.class, () -> request.checkOptionsOf(PushTargets.named("openstack")));
        assertEquals("--cloud is given 2 times: target openstack takes it once", e.getMessage());
    }

    @Test
    void toJson_holdsWhatScriptsRead() {
        PushResult result = new PushResult("openstack", "id-1", "hello", 42, new Sha256("a".repeat(64)),
                java.time.Duration.ofMillis(1500), List.of("old-1"));
        assertEquals("{\"target\":\"openstack\",\"id\":\"id-1\",\"name\":\"hello\",\"bytesSent\":42,\"sha256\":\""
                + "a".repeat(64) + "\",\"seconds\":1.5,\"replaced\":[\"old-1\"]}", result.toJson());
    }
}
