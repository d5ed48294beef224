package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detached instances and run options with the real bin/jcap, QEMU and an HTTP client. */
class InstancesIT {
    private static final String GREETING = "Hello from jcap's http-server!\n";
    private static final Duration END = Duration.ofSeconds(60);

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void buildImages() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        for (String example : List.of("http-server", "exit-code", "hello")) {
            JcapProcess.Result build = jcap.run("build", "examples/" + example);
            assertEquals(0, build.exitCode(), build.toString());
        }
    }

    /** No test leaves a guest running, whatever it asserted. */
    @AfterEach
    void removeInstances() throws Exception {
        for (JsonNode i : ps()) {
            jcap.run("rm", "-f", i.get("name").asText());
        }
    }

    @AfterAll
    static void noneLeft() throws Exception {
        assertEquals(List.of(), qemuProcessesOf(jcap.home));
    }

    static JsonNode ps() throws Exception {
        JcapProcess.Result ps = jcap.run("ps", "--json");
        assertEquals(0, ps.exitCode(), ps.toString());
        return new ObjectMapper().readTree(ps.out());
    }

    static Optional<JsonNode> instance(String name) throws Exception {
        for (JsonNode i : ps()) {
            if (i.get("name").asText().equals(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static String cmdline(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ');
    }

    /** The pids of QEMU processes whose command line names a file in {@code home}. */
    static List<Long> qemuProcessesOf(Path home) throws IOException {
        return processesNaming("qemu-system", home);
    }

    /** The pids of processes whose command line holds {@code word} and names a file in {@code dir}. */
    static List<Long> processesNaming(String word, Path dir) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = cmdline(Long.parseLong(p.getFileName().toString()));
                    if (cmd.contains(word) && cmd.contains(dir.toString())) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // The process ended while we looked.
                }
            }
        }
        return pids;
    }

    @Test
    void detached_server_answersShowsInPsAndLogs_refusesTakenNameAndPort_thenStopsAndIsRemoved() throws Exception {
        int port = freePort();
        JcapProcess.Result run = jcap.run("run", "-d", "-p", port + ":8080", "-e", "GREETING=from the test",
                "--name", "web", "http-server");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("web\n", run.out());

        assertEquals(new Http.Answer(200, GREETING), Http.awaitAnswer(port, "/"));
        assertEquals(new Http.Answer(200, "from the test\n"), Http.get("127.0.0.1", port, "/env/GREETING"));
        assertEquals(new Http.Answer(404, "no such variable\n"), Http.get("127.0.0.1", port, "/env/NOT_SET"));

        JcapProcess.Result table = jcap.run("ps");
        String row = table.out().lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow();
        assertTrue(row.matches("web +http-server +running +127\\.0\\.0\\.1:" + port + "->8080/tcp +\\d{4}-.*"), row);
        assertEquals(table.out(), jcap.run("ps", "-a").out(), "Docker's ps -a: the same list");
        assertEquals("web\n", jcap.run("ps", "-q").out(), "the names alone, for scripts");
        // Other tests of this class build images of their own: the names, sorted, these among them.
        List<String> images = jcap.run("images", "-q").out().lines().toList();
        assertTrue(images.containsAll(List.of("exit-code", "hello", "http-server")), images.toString());
        assertEquals(images.stream().sorted().toList(), images);
        assertEquals(2, jcap.run("ps", "-q", "--json").exitCode());
        JsonNode web = instance("web").orElseThrow();
        assertTrue(web.get("running").asBoolean(), web.toString());

        JcapProcess.Result logs = jcap.run("logs", "web");
        assertEquals(0, logs.exitCode(), logs.toString());
        assertEquals("http-server: listening on port 8080\nhttp-server: GET /env/GREETING\n"
                + "http-server: GET /env/NOT_SET\n", withoutPolls(logs.out()));

        JcapProcess.Result sameName = jcap.run("run", "-d", "-p", freePort() + ":8080", "--name", "web", "http-server");
        assertEquals(1, sameName.exitCode(), sameName.toString());
        assertTrue(sameName.err().endsWith("jcap: an instance named 'web' already exists (running): pick another --name"
                + " or remove it (jcap rm -f web)\n"), sameName.toString());
        JcapProcess.Result samePort = jcap.run("run", "-d", "-p", port + ":8080", "--name", "web2", "http-server");
        assertEquals(1, samePort.exitCode(), samePort.toString());
        assertTrue(samePort.err().endsWith("jcap: host port " + port + "/tcp is already published by instance 'web':"
                + " pick another with -p HOST:GUEST\n"), samePort.toString());
        assertEquals(1, ps().size());
        assertFalse(Files.exists(jcap.home.resolve("instances/web2")));

        JcapProcess.Result rmRunning = jcap.run("rm", "web");
        assertEquals(1, rmRunning.exitCode(), rmRunning.toString());
        assertEquals("jcap: instance 'web' is running: stop it first (jcap stop web) or remove it anyway with"
                + " jcap rm -f web\n", rmRunning.err());

        JcapProcess.Result stop = jcap.run("stop", "web");
        assertEquals(0, stop.exitCode(), stop.toString());
        // The server exits 0 on the SIGTERM the power button brings; a kernel without the button
        // modules ignores it and QEMU is made to quit after the timeout.
        String ended = jcap.kernelHasPowerButton() ? "exited (0)" : "exited (stopped)";
        assertEquals("stopped web: " + ended + "\n", stop.out());
        assertEquals(ended, instance("web").orElseThrow().get("status").asText());
        assertFalse(instance("web").orElseThrow().get("running").asBoolean());
        // QEMU's SHUTDOWN event, as the console keeper recorded it: the guest powered off, or QMP quit it.
        assertEquals(jcap.kernelHasPowerButton() ? "guest-shutdown\n" : "host-qmp-quit\n",
                Files.readString(jcap.home.resolve("instances/web/qemu.ending")));
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        // An ended instance publishes nothing (docker ps shows no ports either); its record keeps them.
        String endedRow = jcap.run("ps").out().lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow();
        assertTrue(endedRow.matches("web +http-server +" + java.util.regex.Pattern.quote(ended) + " +- +\\d{4}-.*"),
                endedRow);
        assertEquals(port, instance("web").orElseThrow().get("ports").get(0).get("host").asInt());

        JcapProcess.Result rm = jcap.run("rm", "web");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals("removed web\n", rm.out());
        assertFalse(Files.exists(jcap.home.resolve("instances/web")));
        assertEquals(0, ps().size());
    }

    @Test
    void stopAndRm_ofSeveralNames_goOnPastAnUnknownOne_andExit1() throws Exception {
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "-p", port + ":8080", "--name", "second", "http-server").exitCode());
        Http.awaitAnswer(port, "/");

        JcapProcess.Result stop = jcap.run("stop", "nosuch", "second");
        assertEquals(1, stop.exitCode(), stop.toString());
        assertTrue(stop.err().startsWith("jcap: no instance named 'nosuch'"), stop.toString());
        assertTrue(stop.out().startsWith("stopped second: "), stop.toString());

        JcapProcess.Result rm = jcap.run("rm", "nosuch", "second", "other");
        assertEquals(1, rm.exitCode(), rm.toString());
        assertEquals("removed second\n", rm.out(), rm.toString());
        assertEquals(2, rm.err().lines().filter(l -> l.startsWith("jcap: no instance named")).count(), rm.toString());
        assertFalse(Files.exists(jcap.home.resolve("instances/second")));
    }

    @Test
    void rm_force_ofARunningInstance_removesItsFolder_afterItsQemuAndConsoleKeeperEnded() throws Exception {
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "-p", port + ":8080", "--name", "goner", "http-server").exitCode());
        Http.awaitAnswer(port, "/");
        Path folder = jcap.home.resolve("instances/goner");
        List<Long> keepers = processesNaming("ConsoleLogKeeper", folder);
        assertEquals(1, keepers.size(), "the instance has its console keeper");
        // A keeper slow to write its last lines once QEMU ended (a loaded machine), made certain:
        // rm must not delete the folder under it, and ends it when it does not end by itself.
        assertEquals(0, new ProcessBuilder("kill", "-STOP", keepers.get(0).toString()).start().waitFor());

        try {
            JcapProcess.Result rm = jcap.run("rm", "-f", "goner");

            assertEquals(0, rm.exitCode(), rm.toString());
            assertEquals("removed goner\n", rm.out());
            assertFalse(Files.exists(folder));
            assertEquals(List.of(), processesNaming("qemu-system", folder));
            assertEquals(List.of(), processesNaming("ConsoleLogKeeper", folder));
        } finally {
            ProcessHandle.of(keepers.get(0)).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * A jcap run -d killed (SIGKILL) after QEMU started but before it wrote the record leaves a
     * folder without one: rm refuses while its QEMU runs, and rm -f stops that QEMU before it
     * deletes the folder (it used to delete the folder alone, leaving a QEMU nothing could find).
     */
    @Test
    void rm_ofAnInstanceWithoutItsRecord_refusedWhileItsQemuRuns_andRmForceStopsIt() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--name", "unrecorded", "http-server").exitCode());
        Path folder = jcap.home.resolve("instances/unrecorded");
        Files.delete(folder.resolve("instance.json"));

        JcapProcess.Result rm = jcap.run("rm", "unrecorded");
        assertEquals(1, rm.exitCode(), rm.toString());
        assertTrue(rm.err().contains("instance 'unrecorded' has no record, but its QEMU runs"), rm.toString());
        assertFalse(processesNaming("qemu-system", folder).isEmpty());
        JcapProcess.Result forced = jcap.run("rm", "-f", "unrecorded");

        assertEquals(0, forced.exitCode(), forced.toString());
        assertEquals(List.of(), processesNaming("qemu-system", folder));
        assertEquals(List.of(), processesNaming("ConsoleLogKeeper", folder));
        assertFalse(Files.exists(folder));
    }

    @Test
    void rmi_imageOfARunningInstance_isRefusedUnlessForced_andTheInstanceRunsOn() throws Exception {
        assertEquals(0, jcap.run("build", "--name", "doomed", "examples/http-server").exitCode());
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "-p", port + ":8080", "--name", "holder", "doomed").exitCode());
        Http.awaitAnswer(port, "/");

        JcapProcess.Result refused = jcap.run("rmi", "doomed");
        JcapProcess.Result forced = jcap.run("rmi", "-f", "doomed");

        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals("jcap: image 'doomed' is used by running instance holder: stop it first (jcap stop holder), or"
                + " remove the image anyway with jcap rmi -f\n", refused.err());
        assertEquals(0, forced.exitCode(), forced.toString());
        assertEquals("removed doomed\n", forced.out());
        assertEquals(new Http.Answer(200, GREETING), Http.get("127.0.0.1", port, "/"));
    }

    @Test
    void rmiAndPs_whileAnInstanceOfTheImageStarts_rmiIsRefusedAndPsWarnsOfNothing() throws Exception {
        assertEquals(0, jcap.run("build", "--name", "racing", "examples/http-server").exitCode());
        int port = freePort();
        JcapProcess.Started start = jcap.start("run", "-d", "-p", port + ":8080", "--name", "starter", "racing");
        // The instance's folder is made under the instances' lock, which the start holds until its record is written.
        Path folder = jcap.home.resolve("instances/starter");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (!Files.isDirectory(folder) && System.nanoTime() < deadline && start.process().isAlive()) {
            Thread.sleep(5);
        }
        assertTrue(Files.isDirectory(folder), "the start made no instance folder");

        JcapProcess.Result ps = jcap.run("ps");
        JcapProcess.Result rmi = jcap.run("rmi", "racing");
        JcapProcess.Result started = start.await(java.time.Duration.ofMinutes(2));

        assertEquals(0, ps.exitCode(), ps.toString());
        assertEquals("", ps.err(), "ps while an instance starts");
        assertEquals(0, started.exitCode(), started.toString());
        assertEquals(1, rmi.exitCode(), rmi.toString());
        assertEquals("jcap: image 'racing' is used by running instance starter: stop it first (jcap stop starter), or"
                + " remove the image anyway with jcap rmi -f\n", rmi.err());
        Http.awaitAnswer(port, "/");
    }

    @Test
    void stop_rightAfterStart_waitsForTheApplication_thenStopsItWithThePowerButton() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--name", "early", "http-server").exitCode());

        JcapProcess.Result stop = jcap.run("stop", "--timeout", "60s", "early");

        assertEquals(0, stop.exitCode(), stop.toString());
        if (jcap.kernelHasPowerButton()) {
            // The power button's SIGTERM reached the application: it exits 0 from its handler, or,
            // when the signal comes within the moment between its start and its sigaction (seen on a
            // loaded CI machine), the signal's default action ends it (143). Either way it was
            // started before it was stopped, which is what this test is about.
            assertTrue(stop.out().equals("stopped early: exited (0)\n")
                    || stop.out().equals("stopped early: exited (143)\n"), stop.toString());
        } else {
            assertEquals("stopped early: exited (stopped)\n", stop.out(), stop.toString());
        }
    }

    @Test
    void detached_qemuKilledWithSigkill_isShownExitedNeverRunning() throws Exception {
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "-p", port + ":8080", "--name", "victim", "http-server").exitCode());
        Http.awaitAnswer(port, "/");
        long pid = instance("victim").orElseThrow().get("pid").asLong();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        assertTrue(Http.within(END, () -> {
            try {
                return !instance("victim").orElseThrow().get("running").asBoolean();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        assertEquals("exited (killed)", instance("victim").orElseThrow().get("status").asText());
        assertEquals("no-event\n", Files.readString(jcap.home.resolve("instances/victim/qemu.ending")),
                "QEMU's monitor closed without a SHUTDOWN event");
        JcapProcess.Result stop = jcap.run("stop", "victim");
        assertEquals("victim was not running: exited (killed)\n", stop.out());
    }

    @Test
    void run_cmd_overridesTheCommandLineForOneRun_andTheStoredImageStaysUnchanged() throws Exception {
        String before = ExamplesIT.imageField(jcap, "exit-code", "imageSha256");

        JcapProcess.Result seven = jcap.run("run", "--cmd", "/app/exit-code 7", "exit-code");
        // As docker run IMAGE COMMAND ARG...: the words after the image are the command line.
        JcapProcess.Result nine = jcap.run("run", "exit-code", "--", "/app/exit-code", "9");
        JcapProcess.Result again = jcap.run("run", "exit-code");

        assertEquals(7, seven.exitCode(), seven.toString());
        assertEquals("exiting with status 7\n", seven.out());
        assertEquals(9, nine.exitCode(), nine.toString());
        assertEquals("exiting with status 9\n", nine.out());
        assertEquals(42, again.exitCode(), again.toString());
        assertEquals(before, io.jcap.model.Sha256.of(Path.of(ExamplesIT.imageField(jcap, "exit-code", "path"))).hex());
        assertEquals(before, ExamplesIT.imageField(jcap, "exit-code", "imageSha256"));
    }

    @Test
    void run_env_replacesTheImagesVariableForOneRun() throws Exception {
        JcapProcess.Result moon = jcap.run("run", "-e", "GREETING_NAME=moon", "hello");
        JcapProcess.Result world = jcap.run("run", "hello");

        assertEquals("Hello from jcap, moon!\n", moon.out(), moon.toString());
        assertEquals("Hello from jcap, world!\n", world.out(), world.toString());
    }

    /** docker run's other two ways: -e KEY passes jcap's own value, --env-file reads a file (-e wins). */
    @Test
    void run_envKeyAlone_andEnvFile_asDockerRunTakesThem() throws Exception {
        Path file = temp.resolve("greeting.env");
        Files.writeString(file, "# who is greeted\nGREETING_NAME=file\n");

        JcapProcess.Result fromHost = jcap.run(Map.of("GREETING_NAME", "host"), "run", "-e", "GREETING_NAME", "hello");
        JcapProcess.Result fromFile = jcap.run("run", "--env-file", file.toString(), "hello");
        JcapProcess.Result both = jcap.run("run", "--env-file", file.toString(), "-e", "GREETING_NAME=option", "hello");

        assertEquals("Hello from jcap, host!\n", fromHost.out(), fromHost.toString());
        assertEquals("Hello from jcap, file!\n", fromFile.out(), fromFile.toString());
        assertEquals("Hello from jcap, option!\n", both.out(), both.toString());
    }

    @Test
    void detached_publishedPort_bindsLoopbackOnly_withTheAskedMemoryAndCpus() throws Exception {
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "-p", port + ":8080", "-m", "192M", "-c", "2", "--name", "lo",
                "http-server").exitCode());
        Http.awaitAnswer(port, "/");
        JsonNode lo = instance("lo").orElseThrow();
        String qemu = cmdline(lo.get("pid").asLong());

        assertTrue(qemu.contains("hostfwd=tcp:127.0.0.1:" + port + "-:8080"), qemu);
        assertTrue(qemu.contains(" -m 192 -smp 2 "), qemu);
        assertTrue(qemu.contains(" -M q35 "), qemu);
        assertEquals(192, lo.get("memoryMiB").asInt());
        Optional<InetAddress> outside = nonLoopbackAddress();
        if (outside.isPresent()) {
            try (Socket socket = new Socket()) {
                assertThrows(ConnectException.class,
                        () -> socket.connect(new InetSocketAddress(outside.get(), port), 2000));
            }
        }
    }

    @Test
    void detached_portHeldByAnotherProgram_isRefusedAndNothingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();

            JcapProcess.Result run = jcap.run("run", "-d", "-p", port + ":8080", "--name", "busy", "http-server");

            assertEquals(1, run.exitCode(), run.toString());
            assertTrue(run.err().endsWith("jcap: host port " + port + "/tcp on 127.0.0.1 is in use by another program:"
                    + " pick another with -p HOST:GUEST\n"), run.toString());
            assertEquals(Optional.empty(), instance("busy"));
            assertFalse(Files.exists(jcap.home.resolve("instances/busy")));
            assertEquals(List.of(), qemuProcessesOf(jcap.home));
        }
    }

    @Test
    void logs_follow_printsUntilTheInstanceEnds() throws Exception {
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "-p", port + ":8080", "--name", "quitter", "http-server").exitCode());
        Http.awaitAnswer(port, "/");
        JcapProcess.Started follow = jcap.start("logs", "-f", "quitter");

        assertEquals(new Http.Answer(200, "bye\n"), Http.get("127.0.0.1", port, "/quit"));
        JcapProcess.Result logs = follow.await(END);

        assertEquals(0, logs.exitCode(), logs.toString());
        assertEquals("http-server: listening on port 8080\nhttp-server: GET /quit\n", withoutPolls(logs.out()));
        assertEquals("exited (0)", instance("quitter").orElseThrow().get("status").asText());
    }

    /** docker logs --tail: the last lines so far; with -f, then what the application prints next. */
    @Test
    void logs_tail_printsTheLastLines_andWithFollowWhatComesNext() throws Exception {
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "-p", port + ":8080", "--name", "tailed", "http-server").exitCode());
        Http.awaitAnswer(port, "/");
        for (String name : List.of("A", "B", "C")) {
            Http.get("127.0.0.1", port, "/env/" + name);
        }

        JcapProcess.Result last = jcap.run("logs", "--tail", "2", "tailed");
        JcapProcess.Started follow = jcap.start("logs", "-f", "-n", "1", "tailed");
        // Printed once the follower read what was there: what comes next is new.
        follow.awaitOut("http-server: GET /env/C\n", END);
        assertEquals(new Http.Answer(200, "bye\n"), Http.get("127.0.0.1", port, "/quit"));
        JcapProcess.Result followed = follow.await(END);

        assertEquals("http-server: GET /env/B\nhttp-server: GET /env/C\n", last.out(), last.toString());
        assertEquals(0, followed.exitCode(), followed.toString());
        assertEquals("http-server: GET /env/C\nhttp-server: GET /quit\n", followed.out(), followed.toString());
        assertEquals(2, jcap.run("logs", "--tail", "-1", "tailed").exitCode());
    }

    /** jcap run -d --rm, stopped: it says how it ended and is gone, as docker run --rm's container. */
    @Test
    void detachedRm_stopped_saysHowItEnded_andIsRemoved() throws Exception {
        int port = freePort();
        assertEquals(0, jcap.run("run", "-d", "--rm", "-p", port + ":8080", "--name", "rmweb", "http-server")
                .exitCode());
        Http.awaitAnswer(port, "/");
        assertTrue(instance("rmweb").isPresent(), "a running --rm instance is listed");

        JcapProcess.Result stop = jcap.run("stop", "rmweb");

        assertEquals(0, stop.exitCode(), stop.toString());
        String ended = jcap.kernelHasPowerButton() ? "exited (0)" : "exited (stopped)";
        assertEquals("stopped rmweb: " + ended + "\n", stop.out());
        assertFalse(Files.exists(jcap.home.resolve("instances/rmweb")), "the instance's folder stayed");
        assertFalse(instance("rmweb").isPresent());
    }

    /** jcap run -d --rm of a program that ends by itself: gone once ended, its name free again; without --rm kept. */
    @Test
    void detachedRm_endingOnItsOwn_isGoneOnceEnded_andItsNameFree() throws Exception {
        Duration bound = Duration.ofSeconds(90);
        assertEquals(0, jcap.run("run", "-d", "--rm", "--name", "rmjob", "exit-code").exitCode());
        JcapProcess.Result logs = jcap.run("logs", "-f", "rmjob");
        assertEquals("exiting with status 42\n", logs.out(), logs.toString());

        Poll.until("the ended --rm instance to go", bound, () -> instance("rmjob").isPresent() ? Optional.empty()
                : Optional.of(true));
        JcapProcess.Result gone = jcap.run("logs", "rmjob");

        assertFalse(Files.exists(jcap.home.resolve("instances/rmjob")), "the instance's folder stayed");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertTrue(gone.err().contains("no instance named 'rmjob'"), gone.toString());
        assertEquals(0, jcap.run("run", "-d", "--rm", "--name", "rmjob", "exit-code").exitCode(), "the name is free");
        // Without --rm an ended instance stays, as before.
        assertEquals(0, jcap.run("run", "-d", "--name", "kept", "exit-code").exitCode());
        assertEquals("exiting with status 42\n", jcap.run("logs", "-f", "kept").out());
        assertEquals("exited (42)", Poll.until("kept to end", bound, () -> instance("kept")
                .filter(i -> !i.get("running").asBoolean()).map(i -> i.get("status").asText())));
        // Its name is taken until it is removed, which needs no -f once it has ended.
        JcapProcess.Result taken = jcap.run("run", "-d", "--name", "kept", "exit-code");
        assertEquals(1, taken.exitCode(), taken.toString());
        assertTrue(taken.err().endsWith("jcap: an instance named 'kept' already exists (exited (42)): pick another"
                + " --name or remove it (jcap rm kept)\n"), taken.toString());
    }

    @Test
    void foreground_ctrlC_stopsTheVm_andLeavesNoProcessOrTemporaryFile() throws Exception {
        int port = freePort();
        JcapProcess.Started run = jcap.start("run", "-p", port + ":8080", "http-server");
        run.awaitAnswer(port, "/");
        assertEquals(1, qemuProcessesOf(jcap.home).size());

        new ProcessBuilder("kill", "-INT", Long.toString(run.process().pid())).start().waitFor();
        JcapProcess.Result result = run.await(END);

        assertEquals(130, result.exitCode(), result.toString());
        assertTrue(Http.within(END, () -> {
            try {
                return qemuProcessesOf(jcap.home).isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    /**
     * The console without the lines of the polls for "/": a poll QEMU accepted before the guest
     * listened can still reach the server later, so their number varies.
     */
    private static String withoutPolls(String console) {
        return console.lines().filter(l -> !l.equals("http-server: GET /")).map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (nic.isUp() && !nic.isLoopback()) {
                Optional<InetAddress> v4 = nic.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst();
                if (v4.isPresent()) {
                    return v4;
                }
            }
        }
        return Optional.empty();
    }
}
