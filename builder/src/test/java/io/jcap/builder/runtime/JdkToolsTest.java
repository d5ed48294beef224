package io.jcap.builder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkToolsTest {
    @TempDir
    Path dir;

    /** The Maven plugin's builds under -T 2 link runtimes in threads of one JVM. */
    @Test
    void jlinkInTwoThreadsAtOnce_bothSucceed() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<JdkTools.Outcome>> runs = new ArrayList<>();
            for (String name : List.of("one", "two")) {
                Path output = dir.resolve(name);
                runs.add(threads.submit(() -> JdkTools.run("jlink", List.of("--add-modules", "java.base,java.sql",
                        "--strip-debug", "--no-header-files", "--no-man-pages", "--output", output.toString()))));
            }
            for (int i = 0; i < runs.size(); i++) {
                JdkTools.Outcome outcome = runs.get(i).get();
                assertEquals(0, outcome.status(), outcome.failure());
            }
        } finally {
            threads.shutdownNow();
        }
        assertTrue(Files.isExecutable(dir.resolve("one/bin/java")) && Files.isExecutable(dir.resolve("two/bin/java")));
    }
}
