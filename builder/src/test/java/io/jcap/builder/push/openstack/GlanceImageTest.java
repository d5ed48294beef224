package io.jcap.builder.push.openstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.SampleImages;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GlanceImageTest {
    private static PushRequest request() {
        return PushRequest.of(SampleImages.hello(Path.of("/nowhere")), "openstack").withJcapVersion("1.0");
    }

    @Test
    void of_hello_sendsQcow2WithVirtioAndJcapsProperties() throws Exception {
        GlanceImage image = GlanceImage.of(request().withRemoteName("web").withOption("property", "team=a=b"));
        assertEquals("{\"name\":\"web\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\",\"visibility\":\"private\","
                + "\"min_ram\":128,\"min_disk\":1,\"hw_disk_bus\":\"virtio\",\"hw_vif_model\":\"virtio\",\"os_type\":\"linux\","
                + "\"jcap_kernel\":\"linux\",\"jcap_source_digest\":\"" + "0".repeat(64) + "\",\"jcap_image_sha256\":\""
                + "0".repeat(64) + "\",\"jcap_version\":\"1.0\",\"team\":\"a=b\"}", image.json().toString());
    }

    @Test
    void of_unknownVisibility_saysWhichThereAre() {
        JcapException e = assertThrows(JcapException.class,
                () -> GlanceImage.of(request().withOption("visibility", "secret")));
        assertEquals("--visibility secret is not one of private, shared, community, public", e.getMessage());
        assertEquals(io.jcap.model.ExitCode.USAGE, e.exitCode(), "a wrong command line exits with 2");
    }

    @Test
    void of_propertyWithoutValue_isRefused() {
        JcapException e = assertThrows(JcapException.class, () -> GlanceImage.of(request().withOption("property", "team")));
        assertEquals("--property team is not KEY=VALUE", e.getMessage());
    }

    @Test
    void of_propertySettingGlancesOwnField_isRefused() {
        JcapException e = assertThrows(JcapException.class,
                () -> GlanceImage.of(request().withOption("property", "disk_format=raw")));
        assertEquals("--property disk_format sets Glance's own field 'disk_format': use --name or --visibility, or another key",
                e.getMessage());
    }

    /** jcap's provenance properties are its own: jcap_version marks what a later push may clean up. */
    @Test
    void of_propertySettingJcapsOwn_isRefused() {
        JcapException e = assertThrows(JcapException.class,
                () -> GlanceImage.of(request().withOption("property", "jcap_version=evil")));
        assertEquals("--property jcap_version: keys starting with jcap_ are jcap's own (jcap_kernel, jcap_source_digest,"
                + " jcap_image_sha256, jcap_version): use another key", e.getMessage());
        assertEquals(io.jcap.model.ExitCode.USAGE, e.exitCode());
    }
}
