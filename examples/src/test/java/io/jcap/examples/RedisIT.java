package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's redis-server with the libraries runtime native collects, driven by the real redis-cli. */
class RedisIT {
    @TempDir
    Path temp;

    @Test
    void runDetached_redis_answersPingAndKeepsAValue() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Requirements.requireProgram("redis-server", "redis-server");
        Requirements.requireProgram("redis-cli", "redis-tools");
        JcapProcess.Result build = jcap.run("build", "examples/redis");
        assertEquals(0, build.exitCode(), build.toString());
        assertTrue(build.out().startsWith("Built image redis: "), build.toString());
        jcap.requireDetachedRun();

        int port = JcapProcess.freePort();
        JcapProcess.Result started = jcap.run("run", "-d", "-p", port + ":6379", "--name", "redis-it", "redis");
        assertEquals(0, started.exitCode(), started.toString());
        JcapProcess.Result stop;
        JcapProcess.Result rm;
        try {
            String pong = Poll.until("redis PING on port " + port, Duration.ofSeconds(120),
                    () -> Optional.of(redisCli(port, "PING")).filter(reply -> reply.equals("PONG\n")));
            assertEquals("PONG\n", pong);
            assertEquals("OK\n", redisCli(port, "SET", "greeting", "hello from jcap"));
            assertEquals("hello from jcap\n", redisCli(port, "GET", "greeting"));
        } finally {
            stop = jcap.run("stop", "redis-it");
            rm = jcap.run("rm", "redis-it");
        }
        assertEquals(0, stop.exitCode(), stop.toString());
        assertEquals(0, rm.exitCode(), rm.toString());
    }

    /** What {@code redis-cli} prints for one command; an attempt that hangs is ended after 15 s. */
    static String redisCli(int port, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-cli " + String.join(" ", command) + " hung");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
