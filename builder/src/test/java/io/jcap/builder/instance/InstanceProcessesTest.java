package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.hypervisor.HostProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceProcessesTest {
    @TempDir
    Path instances;

    /** A record names its QEMU by pid and start time: a reused pid, a damaged record or a stray folder names nobody. */
    @Test
    void nameOf_theInstanceWhoseRecordNamesThatVeryProcess() throws Exception {
        HostProcess me = HostProcess.of(ProcessHandle.current().pid()).orElseThrow();
        record("old", "{\"pid\": " + me.pid() + ", \"pidStartTicks\": " + (me.startTicks() - 1) + "}");
        record("broken", "{\"pid\": ");
        Files.createDirectories(instances.resolve("Not A Name"));
        Files.writeString(instances.resolve("Not A Name/" + InstanceStore.RECORD), "{\"pid\": " + me.pid()
                + ", \"pidStartTicks\": " + me.startTicks() + "}");
        assertEquals(Optional.empty(), InstanceProcesses.nameOf(instances, me.pid()));

        record("web", "{\"name\": \"web\", \"pid\": " + me.pid() + ", \"pidStartTicks\": " + me.startTicks() + "}");
        assertEquals(Optional.of("web"), InstanceProcesses.nameOf(instances, me.pid()));
        assertEquals(Optional.empty(), InstanceProcesses.nameOf(instances, me.pid() + 1));
        assertEquals(Optional.empty(), InstanceProcesses.nameOf(instances.resolve("missing"), me.pid()));
    }

    private void record(String name, String json) throws Exception {
        Files.createDirectories(instances.resolve(name));
        Files.writeString(instances.resolve(name).resolve(InstanceStore.RECORD), json);
    }
}
