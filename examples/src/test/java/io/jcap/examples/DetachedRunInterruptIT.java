package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcap.host.FileTrees;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import io.jcap.testsupport.TestSshd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C at each point of {@code jcap run -d}: either nothing of the instance is left (no QEMU, no
 * console keeper, no libvirt domain, no folder), or the instance is recorded, so that {@code jcap ps}
 * lists it and {@code jcap rm -f} stops and removes it; and jcap exits 130 without an error of its own.
 *
 * <p>Alone (@Isolated), not beside other test classes: its Ctrl-Cs land at instants measured on a
 * quiet machine. (Once, beside another class on a busy machine, an instance interrupted the moment
 * its folder appeared left that folder: the hook's deletion raced jcap's own writes into it, now
 * walked again, {@code TempFilesTest}.)
 */
@Isolated
class DetachedRunInterruptIT {
    /** Bounds, only so that a broken jcap cannot hang the build. */
    private static final Duration END = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(10);
    /** Delays after QEMU wrote its pid file: the daemon runs, and the instance is not recorded yet. */
    private static final List<Integer> AFTER_PID_MS = List.of(0, 20, 50, 100, 200, 400);
    /** Delays after jcap started, across its whole start (about a second here under TCG). */
    private static final List<Integer> AFTER_START_MS = List.of(300, 450, 550, 650, 750, 900, 1100);
    /** Delays after the libvirt domain's console log was made: libvirt defines and starts it. */
    private static final List<Integer> LIBVIRT_AFTER_CONSOLE_MS = List.of(20, 50, 100, 150, 200, 300, 500);
    /** Delays after jcap started, with the libvirt driver (its start takes one to two seconds here). */
    private static final List<Integer> LIBVIRT_AFTER_START_MS = List.of(500, 800, 1100, 1500);
    private static final Path DOMAIN_FOLDERS = Path.of("/var/tmp/jcap-libvirt-" + System.getProperty("user.name"));

    @TempDir
    Path temp;
    JcapProcess jcap;
    /**
     * Starts the names of the libvirt test's instances: libvirt's domains are the machine's, not
     * the test home's, so its leftovers are found by a name no other jcap uses.
     */
    final String libvirtPrefix = "intr" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "-";
    boolean libvirtUsed;

    /** What one Ctrl-C left: jcap's exit and output, and whether the instance was recorded. */
    private record Outcome(String name, String when, int exitCode, String output, boolean listed) {
        @Override
        public String toString() {
            return name + " (Ctrl-C " + when + "): exit " + exitCode + (listed ? ", listed" : ", not listed")
                    + "\n" + output;
        }
    }

    @Test
    void runDetached_interruptedAtEachPoint_leavesNothingOrAnInstanceJcapCanRemove() throws Exception {
        buildSleeper();
        jcap.requireDetachedRun();

        List<Outcome> outcomes = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        int n = 0;
        // Points reached in order by every start: the folder made, the console keeper listening
        // (QEMU about to start), QEMU daemonized, QEMU's machine set up (its QMP socket), the
        // record being written (QEMU's first process has ended); then delays across the window.
        for (String file : List.of("", "console.sock", "qemu.pid", "qmp", "instance.json.tmp", "instance.json.tmp",
                "instance.json.tmp")) {
            String name = "i" + n++;
            outcomes.add(interruptAt(name, List.of(), file, 0, faults));
        }
        for (int delay : AFTER_PID_MS) {
            String name = "i" + n++;
            outcomes.add(interruptAt(name, List.of(), "qemu.pid", delay, faults));
        }
        for (int delay : AFTER_START_MS) {
            String name = "i" + n++;
            outcomes.add(interruptAt(name, List.of(), null, delay, faults));
        }
        report(outcomes, faults);
    }

    /**
     * The same with {@code --driver libvirt}: libvirt keeps a persistent domain when jcap ends, so
     * a Ctrl-C before the record is written must remove it.
     */
    @Test
    @Requires(Component.LIBVIRT)
    void runDetachedWithLibvirt_interruptedAcrossTheStart_leavesNoDomainOrAnInstanceJcapCanRemove() throws Exception {
        buildSleeper();
        jcap.requireDetachedRun();

        List<Outcome> outcomes = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        int n = 0;
        libvirtUsed = true;
        // The domain's folder made, its console log made (the domain is defined and started next),
        // then delays across the start of the domain and the write of the record.
        for (String file : List.of("domain:", "domain:console.log")) {
            String name = libvirtPrefix + n++;
            outcomes.add(interruptAt(name, List.of("--driver", "libvirt"), file, 0, faults));
        }
        for (int delay : LIBVIRT_AFTER_CONSOLE_MS) {
            String name = libvirtPrefix + n++;
            outcomes.add(interruptAt(name, List.of("--driver", "libvirt"), "domain:console.log", delay, faults));
        }
        for (int delay : LIBVIRT_AFTER_START_MS) {
            String name = libvirtPrefix + n++;
            outcomes.add(interruptAt(name, List.of("--driver", "libvirt"), null, delay, faults));
        }
        report(outcomes, faults);
    }

    /**
     * The same on a remote libvirt host (this machine's daemon behind a test sshd): the Ctrl-C hook
     * removes the domain there and its folder over SFTP, uploads under way included.
     */
    @Test
    @Requires({Component.LIBVIRT, Component.SSHD})
    void runDetachedOnARemoteHost_interruptedAcrossTheStart_leavesNoDomainOrAnInstanceJcapCanRemove() throws Exception {
        buildSleeper();

        List<Outcome> outcomes = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        int n = 0;
        libvirtUsed = true;
        try (TestSshd sshd = TestSshd.start(Files.createDirectory(temp.resolve("sshd")))) {
            List<String> remote = List.of("--driver", "libvirt", "--connect", sshd.libvirtSshUri(), "--accel", "tcg");
            // The folder made there (the upload starts), its console log made (the domain is
            // defined and started next), then delays across the start and the record's write.
            for (String file : List.of("domain:", "domain:console.log")) {
                outcomes.add(interruptAt(libvirtPrefix + n++, remote, file, 0, faults));
            }
            // Here the record is written 0.3 to 0.8 s after the console log.
            for (int delay : List.of(400, 550, 700)) {
                outcomes.add(interruptAt(libvirtPrefix + n++, remote, "domain:console.log", delay, faults));
            }
        }
        report(outcomes, faults);
    }

    /** A jcap home of the test's own with the sleeper image built in it. */
    private void buildSleeper() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", JcapProcess.sleeperProject(temp).toString());
        assertEquals(0, build.exitCode(), build.toString());
    }

    private void report(List<Outcome> outcomes, List<String> faults) {
        // Which windows this run hit, for the build log (the points are fixed, the timing is the host's).
        outcomes.forEach(o -> System.out.println(o.name() + " (Ctrl-C " + o.when() + "): exit " + o.exitCode()
                + (o.listed() ? ", recorded" : ", not recorded")));
        assertEquals(List.of(), faults, "outcomes:\n" + String.join("\n", outcomes.stream().map(Outcome::toString)
                .toList()));
        assertEquals(List.of(), processesOf(jcap.home.resolve("instances").toString()), "nothing of any instance runs");
    }

    /**
     * Starts {@code jcap run -d [DRIVER] --name NAME sleeper} in a process group of its own (as a terminal's
     * foreground job) and sends SIGINT to the group {@code delayMs} after {@code file} appeared
     * (as {@link #reached} reads it; {@code null}: after jcap started).
     */
    private Outcome interruptAt(String name, List<String> driver, String file, int delayMs, List<String> faults)
            throws Exception {
        Path folder = jcap.home.resolve("instances").resolve(name);
        Path output = temp.resolve(name + ".out");
        List<String> command = new ArrayList<>(List.of("setsid", JcapProcess.LAUNCHER.toString(), "run", "-d"));
        command.addAll(driver);
        command.addAll(List.of("--name", name, "sleeper"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JCAP_HOME", jcap.home.toString());
        Process run = pb.start();
        // Ready before the point is awaited, so that the signal leaves within microseconds of it
        // (starting kill then takes milliseconds, and misses the record's temporary file).
        Process ctrlC = new ProcessBuilder("bash", "-c", "read -r _ && kill -INT -- -$1", "ctrl-c",
                Long.toString(run.pid())).redirectErrorStream(true).start();
        String when;
        if (file == null) {
            when = delayMs + " ms after the start";
        } else {
            Path record = folder.resolve("instance.json");
            long deadline = System.nanoTime() + END.toNanos();
            while (!reached(name, file) && !Files.exists(record) && run.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            String point = file.isEmpty() ? "the folder" : file;
            if (reached(name, file)) {
                when = delayMs + " ms after " + point + " appeared";
            } else if (Files.exists(record)) {
                // A file that lives for a moment (the record's temporary file) may be missed.
                when = delayMs + " ms after the record appeared (" + point + " not seen)";
            } else {
                run.destroyForcibly();
                ctrlC.destroyForcibly();
                return fail(name + ": jcap ended before " + point + " appeared: " + Files.readString(output));
            }
        }
        Thread.sleep(delayMs);
        boolean signalled = run.isAlive();
        if (signalled) {
            ctrlC.getOutputStream().write('\n');
            ctrlC.getOutputStream().flush();
        }
        ctrlC.getOutputStream().close();
        if (!ctrlC.waitFor(END.toMillis(), TimeUnit.MILLISECONDS)) {
            ctrlC.destroyForcibly();
        }
        if (!run.waitFor(END.toMillis(), TimeUnit.MILLISECONDS)) {
            run.destroyForcibly();
            fail(name + ": jcap did not end within " + END.toSeconds() + " s of Ctrl-C");
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        JcapProcess.Result ps = jcap.run("ps");
        boolean listed = ps.out().lines().anyMatch(l -> l.startsWith(name + " "));
        Outcome outcome = new Outcome(name, when, run.exitValue(), out, listed);

        // Too late a Ctrl-C (jcap had started the instance and was on its way out) may leave exit 0.
        boolean tooLate = outcome.exitCode() == 0 && out.contains("Started instance " + name);
        if (outcome.exitCode() != 130 && !tooLate) {
            faults.add(name + ": exit " + outcome.exitCode() + ", not 130" + (signalled ? "" : " (ended before Ctrl-C)"));
        }
        if (out.contains("jcap:")) {
            faults.add(name + ": an error for a Ctrl-C: " + out.strip());
        }
        String mark = folder + "/";
        if (listed) {
            JcapProcess.Result rm = jcap.run("rm", "-f", name);
            if (rm.exitCode() != 0) {
                faults.add(name + ": listed, but jcap rm -f failed: " + rm);
            }
            if (!awaitNone(mark).isEmpty()) {
                faults.add(name + ": still running after jcap rm -f: " + processesOf(mark));
            }
            if (!driver.isEmpty() && !domainsOf(name).isEmpty()) {
                faults.add(name + ": libvirt still has " + domainsOf(name) + " after jcap rm -f");
            }
            if (!driver.isEmpty() && !domainFolders(name).isEmpty()) {
                faults.add(name + ": its domain's files are still there after jcap rm -f: " + domainFolders(name));
            }
        } else {
            List<String> left = awaitNone(mark);
            if (!left.isEmpty()) {
                faults.add(name + ": not listed by jcap ps (" + ps.out().strip() + "), yet running: " + left);
            }
            if (Files.exists(folder)) {
                faults.add(name + ": not listed, yet its folder " + folder + " is there");
            }
            if (!driver.isEmpty() && !domainsOf(name).isEmpty()) {
                faults.add(name + ": not listed by jcap ps, yet libvirt has " + domainsOf(name) + " (virsh list --all)");
            }
            if (!driver.isEmpty() && !domainFolders(name).isEmpty()) {
                faults.add(name + ": not listed by jcap ps, yet its domain's files are there: " + domainFolders(name));
            }
        }
        return outcome;
    }

    /**
     * Whether {@code file} is there: in the instance's folder ({@code ""}: the folder itself), or
     * with {@code domain:} in the libvirt domain's folder ({@code domain:}: the folder itself).
     */
    private boolean reached(String name, String file) {
        if (file.startsWith("domain:")) {
            String inside = file.substring("domain:".length());
            try {
                return domainFolders(name).stream().anyMatch(d -> inside.isEmpty() || Files.exists(d.resolve(inside)));
            } catch (IOException | java.io.UncheckedIOException e) {
                return false;
            }
        }
        Path folder = jcap.home.resolve("instances").resolve(name);
        return Files.exists(file.isEmpty() ? folder : folder.resolve(file));
    }

    /** The libvirt domains of instance {@code name} (jcap-NAME-XXXXXXXX), running or not. */
    private static List<String> domainsOf(String name) throws Exception {
        Process virsh = new ProcessBuilder("virsh", "-c", "qemu:///system", "list", "--all", "--name")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(virsh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!virsh.waitFor(END.toMillis(), TimeUnit.MILLISECONDS) || virsh.exitValue() != 0) {
            virsh.destroyForcibly();
            return fail("virsh list: " + out);
        }
        return out.lines().map(String::strip).filter(d -> d.matches("jcap-" + java.util.regex.Pattern.quote(name)
                + "-[0-9a-f]{8}")).toList();
    }

    private static List<Path> domainFolders(String name) throws IOException {
        if (!Files.isDirectory(DOMAIN_FOLDERS)) {
            return List.of();
        }
        try (var folders = Files.list(DOMAIN_FOLDERS)) {
            return folders.filter(f -> f.getFileName().toString().matches("jcap-" + java.util.regex.Pattern.quote(name)
                    + "-[0-9a-f]{8}")).toList();
        }
    }

    /** Waits (bounded) until no process uses files under {@code mark}; returns those still running then. */
    private static List<String> awaitNone(String mark) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> left = processesOf(mark);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = processesOf(mark);
        }
        return left;
    }

    /** Command lines of the processes whose arguments name a file under {@code mark}: QEMU, the console keeper. */
    static List<String> processesOf(String mark) {
        return ProcessHandle.allProcesses().filter(p -> p.isAlive() && arguments(p).contains(mark))
                .map(p -> p.pid() + " " + arguments(p)).toList();
    }

    private static String arguments(ProcessHandle p) {
        return p.info().command().orElse("") + " " + String.join(" ", p.info().arguments().orElse(new String[0]));
    }

    /**
     * Whatever a failed run left is stopped here: only processes with this test's own home in their
     * command line, and the libvirt domains of its instances (named by this test alone).
     */
    @AfterEach
    void stopLeftovers() throws Exception {
        if (jcap == null) {
            return;
        }
        String home = jcap.home.toString() + "/";
        ProcessHandle.allProcesses().filter(p -> arguments(p).contains(home)).forEach(ProcessHandle::destroyForcibly);
        if (libvirtUsed) {
            for (int i = 0; i < 2 + LIBVIRT_AFTER_CONSOLE_MS.size() + LIBVIRT_AFTER_START_MS.size(); i++) {
                for (String domain : domainsOf(libvirtPrefix + i)) {
                    for (String step : List.of("destroy", "undefine")) {
                        new ProcessBuilder("virsh", "-q", "-c", "qemu:///system", step, domain).redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
                    }
                }
                domainFolders(libvirtPrefix + i).forEach(FileTrees::deleteQuietly);
            }
        }
    }
}
