package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jcap killed outright (SIGKILL, as the OOM killer or a CI timeout does it) leaves no QEMU
 * running, and the next jcap that needs the temporary area removes what the killed one left.
 *
 * <p>Alone, not beside other test classes: QEMU's control folders are in the system's temporary
 * folder, which every jcap of this user sweeps, so another class's jcap would remove the killed
 * one's folder before this class's next build could show that it does.
 */
@Isolated
class OrphansIT {
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);
    private static final Pattern QMP_FOLDER = Pattern.compile("id=qmp,path=(\\S*/jcap-qemu-[^/\\s]+)/qmp\\.sock");

    @TempDir
    Path temp;

    @Test
    void build_killedWhileTheBuilderBoots_leavesNoQemuAndTheNextBuildSweepsItsFolders() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.sleeperProject(temp);

        JcapProcess.Started build = jcap.start("build", project.toString());
        ProcessHandle qemu = awaitQemu(jcap.home, build);
        Path qmpFolder = qmpFolder(qemu);
        List<Path> work = folders(jcap.home.resolve("tmp"));
        assertEquals(1, work.size(), "the build's work folder: " + work);
        killParentJvm(qemu);

        Thread.sleep(AFTER_KILL.toMillis());
        assertEquals(List.of(), RunInterruptIT.qemuProcessesOf(jcap.home), "no QEMU of the killed build runs");
        assertFalse(qemu.isAlive());
        assertTrue(Files.isDirectory(work.get(0)), "a killed jcap cannot clean up itself");
        assertTrue(Files.isDirectory(qmpFolder), "nor QEMU's control folder " + qmpFolder);

        JcapProcess.Result again = jcap.run("build", project.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertFalse(Files.exists(work.get(0)), "the next build removed " + work.get(0));
        assertFalse(Files.exists(qmpFolder), "and " + qmpFolder);
        assertEquals(List.of(), folders(jcap.home.resolve("tmp")));
    }

    @Test
    void foregroundRun_killed_leavesNoQemuAndTheNextCommandSweepsItsFolder() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.sleeperProject(temp);
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Started run = jcap.start("run", "sleeper");
        ProcessHandle qemu = awaitQemu(jcap.home, run);
        List<Path> work = folders(jcap.home.resolve("tmp"));
        assertEquals(1, work.size(), "the run's work folder: " + work);
        killParentJvm(qemu);

        Thread.sleep(AFTER_KILL.toMillis());
        assertEquals(List.of(), RunInterruptIT.qemuProcessesOf(jcap.home), "no QEMU of the killed run runs");
        assertFalse(qemu.isAlive());
        assertTrue(Files.isDirectory(work.get(0)), "a killed jcap cannot clean up itself");

        JcapProcess.Result listing = jcap.run("images", "ls", "sleeper", "/");
        assertEquals(0, listing.exitCode(), listing.toString());
        assertFalse(Files.exists(work.get(0)), "the next command using the temporary area removed " + work.get(0));
        assertEquals(List.of(), folders(jcap.home.resolve("tmp")));
    }

    /** The QEMU that uses files of {@code home}, once it is there. */
    private static ProcessHandle awaitQemu(Path home, JcapProcess.Started jcap) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            Optional<ProcessHandle> qemu = ProcessHandle.allProcesses().filter(p -> commandLine(p).contains("qemu-system")
                    && commandLine(p).contains(home.toString())).findFirst();
            if (qemu.isPresent()) {
                return qemu.get();
            }
            if (!jcap.process().isAlive()) {
                fail(jcap.command() + " ended before starting QEMU: " + jcap.await(Duration.ZERO));
            }
            Thread.sleep(20);
        }
        throw new AssertionError(jcap.command() + " started no QEMU within 3 minutes");
    }

    /** SIGKILL to the JVM that started {@code qemu} (bin/jcap runs java, or execs it). */
    private static void killParentJvm(ProcessHandle qemu) throws Exception {
        ProcessHandle jvm = qemu.parent().orElseThrow(() -> new AssertionError("QEMU has no parent"));
        assertTrue(jvm.info().command().orElse("").endsWith("java"), "QEMU's parent is the JVM: " + jvm.info());
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(jvm.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        jvm.onExit().get();
    }

    private static Path qmpFolder(ProcessHandle qemu) {
        Matcher m = QMP_FOLDER.matcher(commandLine(qemu));
        assertTrue(m.find(), "QEMU's QMP socket: " + commandLine(qemu));
        return Path.of(m.group(1));
    }

    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (Exception e) {
            return "";
        }
    }

    private static List<Path> folders(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }
}
