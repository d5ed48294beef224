package io.jcap.builder.push.openstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.SampleImages;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.testsupport.OpenStackCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenStack target as a library, against the Keystone and Glance of scripts/start-services.sh. */
class OpenStackTargetIT {
    @TempDir
    Path temp;
    OpenStackCloud cloud;
    OpenStackTarget target;
    Glance glance;
    String project;

    @BeforeEach
    void logIn() throws Exception {
        cloud = OpenStackCloud.local();
        CloudCredentials credentials = new CloudCredentials(cloud.openrc(), List.of(temp));
        target = new OpenStackTarget(credentials);
        CloudConfig config = credentials.resolve(java.util.Optional.empty());
        Keystone.Session session = Keystone.authenticate(new OpenStackHttp(config), config);
        glance = new Glance(new OpenStackHttp(config), session.endpoint("image", config), session.token());
        project = session.projectId();
        deleteAll();
    }

    @AfterEach
    void deleteAll() throws Exception {
        if (glance == null) {
            return; // the set-up skipped or failed: there is nothing of this test's to delete
        }
        for (String name : List.of("lib-gone", "lib-progress")) {
            for (Glance.RemoteImage image : glance.named(name, project)) {
                glance.delete(image.id());
            }
        }
    }

    @Test
    void push_fileGoneAfterTheImageIsCreated_deletesTheHalfImage() throws Exception {
        Path missing = temp.resolve("gone.qcow2");
        PushRequest request = PushRequest.of(SampleImages.hello(missing), "openstack").withRemoteName("lib-gone");
        List<String> lines = new ArrayList<>();
        JcapException e = assertThrows(JcapException.class, () -> target.push(request, recorder(lines, new ArrayList<>())));
        assertEquals("image file " + missing + " is gone: build the image again", e.getMessage());
        assertTrue(lines.get(0).startsWith("Created Glance image "), lines.toString());
        assertEquals("Deleting the half-pushed image " + lines.get(0).split(" ")[3], lines.get(1));
        assertEquals(List.of(), glance.named("lib-gone", project));
    }

    @Test
    void push_reportsTheBytesSentUpToTheWholeFile() throws Exception {
        Path file = temp.resolve("disk.qcow2");
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Files.write(file, data);
        List<long[]> progress = new ArrayList<>();
        PushResult result = target.push(PushRequest.of(SampleImages.hello(file), "openstack").withRemoteName("lib-progress"),
                recorder(new ArrayList<>(), progress));
        assertEquals(data.length, result.bytesSent());
        assertEquals(Sha256.of(data), result.sha256());
        assertEquals(data.length, progress.get(progress.size() - 1)[0]);
        assertEquals(data.length, progress.get(0)[1]);
        Glance.RemoteImage stored = glance.get(result.remoteId());
        assertEquals(Map.of("status", "active", "size", (long) data.length),
                Map.of("status", stored.status(), "size", stored.size()));
    }

    private static EventSink recorder(List<String> lines, List<long[]> progress) {
        return new EventSink() {
            @Override
            public synchronized void log(Level level, String message) {
                if (level != Level.DEBUG) {
                    lines.add(message);
                }
            }

            @Override
            public synchronized void progress(String task, long done, long total) {
                progress.add(new long[] {done, total});
            }
        };
    }
}
