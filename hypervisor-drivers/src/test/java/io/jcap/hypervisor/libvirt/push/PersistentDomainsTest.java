package io.jcap.hypervisor.libvirt.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console log's folder of a defined domain: QEMU cannot start the domain without it. */
class PersistentDomainsTest {
    @TempDir
    Path temp;

    @Test
    void logFolder_missing_isMade_orAWarningSaysTheDomainWillNotStart() throws Exception {
        List<String> warnings = new ArrayList<>();
        EventSink events = new EventSink() {
            @Override
            public void log(Level level, String message) {
                if (level == Level.WARN) {
                    warnings.add(message);
                }
            }

            @Override
            public void progress(String task, long done, long total) {
            }
        };
        Path folder = temp.resolve("log/libvirt/qemu");
        Path blocked = Files.writeString(temp.resolve("file"), "not a folder").resolve("qemu");

        PersistentDomains.logFolder(folder, events);
        PersistentDomains.logFolder(blocked, events);

        assertTrue(Files.isDirectory(folder));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("The domain's console log goes to " + blocked + ", which does not exist"
                + " and could not be made ("), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("): the domain will not start until it exists"), warnings.get(0));
    }
}
