package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.testsupport.OciImages;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a container image's tree gets for a VM: the files the init binds over, the folder the application starts in. */
class FromContainerTest {
    @TempDir
    Path dir;

    private Map<GuestPath, ImageEntry> inputs(RecordedEvents events, String... config) throws Exception {
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/umoci")), "umoci");
        Path layer = dir.resolve("layer");
        OciImages.write(layer.resolve("app/run"), "#!/bin/sh\n");
        Files.createDirectories(layer.resolve("etc"));
        Files.createSymbolicLink(layer.resolve("etc/resolv.conf"), Path.of("../run/systemd/resolve/stub-resolv.conf"));
        Path layout = OciImages.layout(dir.resolve("layout"), "1", List.of(layer), config);
        LinuxInputs inputs = FromContainer.inputs(Capstanfile.fromContainer(dir, "oci:" + layout + ":1"),
                Files.createDirectories(dir.resolve("scratch")), events);
        return inputs.application().stream().collect(Collectors.toMap(ImageEntry::path, e -> e, (a, b) -> b));
    }

    @Test
    void resolvConfThatIsALink_becomesAFile_andAMissingWorkingDirIsMade() throws Exception {
        RecordedEvents events = new RecordedEvents();
        Map<GuestPath, ImageEntry> tree = inputs(events, "--config.entrypoint", "/app/run", "--config.workingdir",
                "/srv/app");

        assertTrue(tree.get(GuestPath.of("/etc/resolv.conf")) instanceof ImageEntry.RegularFile, tree.toString());
        assertTrue(tree.get(GuestPath.of("/etc/hosts")) instanceof ImageEntry.RegularFile, tree.toString());
        assertTrue(tree.get(GuestPath.of("/srv")) instanceof ImageEntry.Directory, tree.toString());
        assertTrue(tree.get(GuestPath.of("/srv/app")) instanceof ImageEntry.Directory, tree.toString());
        assertTrue(events.lines().stream().anyMatch(l -> l.endsWith("/etc/resolv.conf is a symbolic link to"
                + " ../run/systemd/resolve/stub-resolv.conf: replaced by a file the init fills at boot, as container"
                + " runtimes do")), events.lines().toString());
    }

    @Test
    void workingDirUnderTmp_isReported() throws Exception {
        RecordedEvents events = new RecordedEvents();
        inputs(events, "--config.entrypoint", "/app/run", "--config.workingdir", "/tmp/wd");

        assertEquals(1, events.lines().stream().filter(l -> l.contains("its WorkingDir /tmp/wd is inside /tmp, which the"
                + " init mounts a fresh tmpfs over at boot")).count(), events.lines().toString());
    }
}
