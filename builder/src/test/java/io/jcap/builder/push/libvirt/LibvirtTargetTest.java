package io.jcap.builder.push.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.SampleImages;
import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibvirtTargetTest {
    private static final StoredImage HELLO = SampleImages.hello(Path.of("/nowhere/image.qcow2"));

    @Test
    void plan_defaults_systemUriDefaultPoolAndTheRemoteNamesVolume_noDomain() throws Exception {
        LibvirtTarget.Plan plan = LibvirtTarget.plan(PushRequest.of(HELLO, "libvirt"));
        assertEquals("qemu:///system", plan.uri().toString());
        assertEquals("default/hello.qcow2", plan.volume().toString());
        assertEquals(Optional.empty(), plan.domain());
    }

    @Test
    void plan_optionsAndReplace_reachTheVolumeAndTheDomain() throws Exception {
        LibvirtTarget.Plan plan = LibvirtTarget.plan(PushRequest.of(HELLO, "libvirt").withRemoteName("web")
                .withReplace(true).withOption("connect", "qemu+ssh://ops@kvm1/system").withOption("pool", "images")
                .withOption("define", ""));
        assertEquals("qemu+ssh://ops@kvm1/system", plan.uri().toString());
        assertEquals("images/web.qcow2", plan.volume().toString());
        assertEquals(true, plan.volume().replace());
        assertEquals(Optional.of("web"), plan.domain(), "--define without a value names the domain after the image");
        assertEquals(Optional.of("other"), LibvirtTarget.plan(PushRequest.of(HELLO, "libvirt")
                .withOption("define", "other").withOption("volume", "v1.qcow2")).domain());
    }

    @Test
    void plan_badValues_areRefusedWithWhatIsAllowed() {
        assertEquals("--define: 'a b' is not a domain name jcap gives: use letters, digits, '.', '_' or '-', at most 64,"
                + " starting with a letter or digit", refusal(PushRequest.of(HELLO, "libvirt").withOption("define", "a b")));
        assertEquals("target libvirt takes no --cloud: its options are --connect, --pool, --volume, --define",
                refusal(PushRequest.of(HELLO, "libvirt").withOption("cloud", "x")));
        assertEquals(true, refusal(PushRequest.of(HELLO, "libvirt").withOption("pool", "a/b"))
                .startsWith("'a/b' is not a storage pool name"));
        // A wrong command line exits 2, as the documented exit codes say.
        JcapException volume = assertThrows(JcapException.class,
                () -> LibvirtTarget.plan(PushRequest.of(HELLO, "libvirt").withOption("volume", "a/b.qcow2")));
        assertEquals(true, volume.getMessage().startsWith("'a/b.qcow2' is not a volume name"), volume.getMessage());
        assertEquals(io.jcap.model.ExitCode.USAGE, volume.exitCode());
    }

    /** PushLibvirtIT boots such a domain. */
    @Test
    void plan_defineOfAnOsvImage_definesItsDomainToo() throws Exception {
        StoredImage osv = new StoredImage(HELLO.metadata().toBuilder().fs("rofs").build(), HELLO.file());
        assertEquals(Optional.of("hello"), LibvirtTarget.plan(PushRequest.of(osv, "libvirt").withOption("define", ""))
                .domain());
    }

    @Test
    void dryRun_saysWhatWouldBeSentWhere() throws Exception {
        List<String> lines = new LibvirtTarget().dryRun(PushRequest.of(HELLO, "libvirt").withOption("define", ""));
        assertEquals("into volume default/hello.qcow2 at qemu:///system, refusing if the pool has a volume of that name"
                + " (--replace replaces it)", lines.get(1));
        assertEquals("and define domain 'hello' (128 MiB, 1 CPU) booting it, on the host's 'default' network if it has"
                + " one, else user networking", lines.get(2));
    }

    private static String refusal(PushRequest request) {
        return assertThrows(JcapException.class, () -> LibvirtTarget.plan(request)).getMessage();
    }
}
