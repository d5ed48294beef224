package io.jcap.hypervisor.libvirt.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console log's folder of a defined domain: QEMU cannot start the domain without it. */
class PersistentDomainsTest {
    @TempDir
    Path temp;

    @Test
    void logFolder_missing_isMade_orAWarningSaysTheDomainWillNotStart() throws Exception {
        RecordedEvents events = new RecordedEvents();
        Path folder = temp.resolve("log/libvirt/qemu");
        Path blocked = Files.writeString(temp.resolve("file"), "not a folder").resolve("qemu");

        PersistentDomains.logFolder(folder, events);
        PersistentDomains.logFolder(blocked, events);

        assertTrue(Files.isDirectory(folder));
        List<String> warnings = events.lines().stream().filter(l -> l.startsWith("WARN ")).toList();
        assertEquals(1, warnings.size(), events.lines().toString());
        assertTrue(warnings.get(0).startsWith("WARN The domain's console log goes to " + blocked + ", which does not"
                + " exist and could not be made ("), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("): the domain will not start until it exists"), warnings.get(0));
    }
}
