package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelDraft;
import io.jcap.kernels.KernelStore;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderKernelTest {
    @TempDir
    Path temp;

    private Kernel add(KernelStore store, String name) throws Exception {
        Path image = Files.writeString(temp.resolve("vmlinuz-" + name), "bzImage of " + name);
        return store.add(new KernelDraft(name, "6.1.192", "custom", "file:" + image, image, List.of()));
    }

    @Test
    void choose_linuxMiniStored_bootsTheBuilderOnIt() throws Exception {
        KernelStore store = new KernelStore(temp.resolve("kernels"));
        Kernel debian = add(store, "linux");
        add(store, "linux-mini");
        assertEquals("linux-mini", BuilderKernel.choose(store, debian, new RecordedEvents()).name());
    }

    @Test
    void choose_noLinuxMini_bootsTheImagesKernel() throws Exception {
        KernelStore store = new KernelStore(temp.resolve("kernels"));
        Kernel debian = add(store, "linux");
        assertEquals("linux", BuilderKernel.choose(store, debian, new RecordedEvents()).name());
    }

    @Test
    void choose_damagedLinuxMini_warnsAndBootsTheImagesKernel() throws Exception {
        KernelStore store = new KernelStore(temp.resolve("kernels"));
        Kernel debian = add(store, "linux");
        Kernel mini = add(store, "linux-mini");
        Files.writeString(mini.vmlinuz(), "altered");
        RecordedEvents events = new RecordedEvents();
        assertEquals("linux", BuilderKernel.choose(store, debian, events).name());
        assertTrue(events.lines().stream().anyMatch(l -> l.contains("kernel 'linux-mini' is corrupt")
                && l.contains("; build it again with 'jcap kernels build linux-mini' (a few minutes)")
                && l.endsWith("the builder VM boots kernel linux instead")), events.lines().toString());
    }
}
