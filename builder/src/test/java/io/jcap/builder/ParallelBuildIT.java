package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.hypervisor.Accelerator;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds in threads of one JVM, as the Maven plugin's ({@code threadSafe}) goal runs them under
 * {@code mvn -T}: two images built side by side from an empty home (its caches, temporary folders,
 * repository and build locks first made by both at once) both store and run, and a second build
 * of a name being built is refused, naming this process.
 */
@Requires({Component.QEMU, Component.LINUX_KERNEL})
class ParallelBuildIT {
    @TempDir
    Path temp;

    private Path project(String name, String greeting) throws Exception {
        Path project = Files.createDirectories(temp.resolve(name));
        Files.writeString(project.resolve("greeting.txt"), greeting + "\n");
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /bin/cat /app/greeting.txt\nruntime: native\n"
                + "files:\n  /bin/cat: /usr/bin/cat\n  /app/greeting.txt: greeting.txt\n");
        return project;
    }

    @Test
    void twoImages_builtInTwoThreadsAtOnce_bothStoreAndRun() throws Exception {
        JcapHome home = TestMachine.homeWithKernels(temp.resolve("home"));
        Path one = project("one", "from one");
        Path two = project("two", "from two");
        CountDownLatch start = new CountDownLatch(1);

        CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(() -> build(home, one, "one", start));
        CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(() -> build(home, two, "two", start));
        start.countDown();

        List<String> firstEvents = first.get(10, TimeUnit.MINUTES);
        List<String> secondEvents = second.get(10, TimeUnit.MINUTES);
        assertTrue(firstEvents.stream().anyMatch(l -> l.contains("Guest received")), firstEvents.toString());
        assertTrue(secondEvents.stream().anyMatch(l -> l.contains("Guest received")), secondEvents.toString());
        assertEquals(List.of("from one"), run(home, "one"));
        assertEquals(List.of("from two"), run(home, "two"));
        try (var files = Files.list(home.images())) {
            assertEquals(List.of(".lock", "one", "two"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging folder, lock file or retired image left");
        }
    }

    @Test
    void aSecondBuildOfANameBeingBuilt_inThisJvm_isRefused_andTheFirstStores() throws Exception {
        JcapHome home = TestMachine.homeWithKernels(temp.resolve("home"));
        Path one = project("one", "first");
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(() -> build(home, one, "same", start));
        start.countDown();
        // The second build starts once the first holds the lock (its builder VM is booting).
        RecordedEvents probe = new RecordedEvents();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        JcapException refused = null;
        while (refused == null && !first.isDone() && System.nanoTime() < deadline) {
            if (Files.exists(home.images().resolve(".build-same.lock"))) {
                try {
                    new ImageBuilder(home, probe).build(new BuildRequest(project("other", "second"), Optional.of("same"),
                            Optional.of(Accelerator.TCG), true));
                } catch (JcapException e) {
                    refused = e;
                }
            } else {
                Thread.sleep(20);
            }
        }
        assertTrue(refused != null, "the second build was not refused while the first ran");
        assertEquals("image 'same' is being built or pulled by another jcap (process " + ProcessHandle.current().pid()
                + ", this one): wait for it to end, or use another name (--name)", refused.getMessage());
        first.get(10, TimeUnit.MINUTES);
        assertEquals(List.of("first"), run(home, "same"));
        assertTrue(Files.notExists(home.images().resolve(".build-same.lock")));
    }

    private static List<String> build(JcapHome home, Path project, String name, CountDownLatch start) {
        RecordedEvents events = new RecordedEvents();
        try {
            start.await();
            new ImageBuilder(home, events).build(new BuildRequest(project, Optional.of(name), Optional.of(Accelerator.TCG), false));
        } catch (JcapException | InterruptedException e) {
            throw new IllegalStateException("build of " + name + ": " + e.getMessage() + " after " + events.lines(), e);
        }
        return events.lines();
    }

    private static List<String> run(JcapHome home, String name) throws Exception {
        List<String> output = new ArrayList<>();
        int status = new ImageRunner(home, EventSink.NONE)
                .run(RunRequest.of(name).withAccelerator(Optional.of(Accelerator.TCG)), output::add);
        assertEquals(0, status, output.toString());
        return output;
    }
}
