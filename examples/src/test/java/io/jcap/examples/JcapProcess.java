package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.fail;

import io.jcap.builder.api.JcapHome;
import io.jcap.hypervisor.qemu.QemuDriver;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.OsvLoaders;
import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/jcap} of this checkout in a jcap home of the test's own, whose
 * kernels are the ones {@code jcap kernels pull linux} stored in the user's home.
 */
final class JcapProcess {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    /** One lock per example folder of this checkout, for {@link #exampleBuildLock}. */
    private static final Map<Path, java.util.concurrent.locks.Lock> EXAMPLE_FOLDERS =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final Path LAUNCHER = ROOT.resolve("bin/jcap");
    /** How many lines {@link #talkerProject}'s program prints. */
    static final int TALKER_LINES = 40000;

    final Path home;

    private JcapProcess(Path home) {
        this.home = home;
    }

    /** A fresh home in {@code dir} sharing the user's kernels; skips (never under CI) without QEMU or a kernel. */
    static JcapProcess withKernels(Path dir) throws IOException {
        requireMachine();
        Requirements.require(Component.LINUX_KERNEL);
        Path kernels = JcapHome.fromEnvironment().kernels();
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("kernels"), kernels);
        return new JcapProcess(dir).withAcceleratorVerdict();
    }

    /** The accelerator verdict an earlier home of this test run cached, once one has. */
    private static volatile byte[] acceleratorVerdict;

    /**
     * Gives this fresh home the accelerator verdict another home of this test run cached: the
     * probe (a guest booted under KVM with a 3 s bound, docs/reliability.md) is valid for the
     * host's boot and QEMU version, not for one home, and every home probing again cost each
     * test class about 3.5 s. A home that finds none probes, as a user's first run does; the
     * probe itself is tested by AcceleratorProbeIT, AcceleratorsIT and DoctorIT.
     */
    private JcapProcess withAcceleratorVerdict() throws IOException {
        if (acceleratorVerdict != null) {
            Path verdict = home.resolve("cache").resolve(QemuDriver.ACCELERATOR_CACHE);
            Files.createDirectories(verdict.getParent());
            Files.write(verdict, acceleratorVerdict);
        }
        return this;
    }

    /**
     * Keeps the verdict this home's jcap cached, for the homes made after it: taken after each
     * command, since a test class's home is deleted when the class ends.
     */
    private void keepAcceleratorVerdict() {
        if (acceleratorVerdict == null) {
            try {
                acceleratorVerdict = Files.readAllBytes(home.resolve("cache").resolve(QemuDriver.ACCELERATOR_CACHE));
            } catch (IOException e) {
                // Not probed in this home (yet).
            }
        }
    }

    /**
     * The kernel images get when their Capstanfile names none: {@code JCAP_KERNEL} (inherited by
     * every jcap these tests start; {@code JCAP_KERNEL=linux-mini} runs the examples on jcap's
     * tailored kernel), else {@code linux}.
     */
    static String defaultKernel() {
        String named = System.getenv("JCAP_KERNEL");
        return named == null || named.isBlank() ? "linux" : named.strip();
    }

    /** A fresh, empty home (no kernels). */
    static JcapProcess empty(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new JcapProcess(dir).withAcceleratorVerdict();
    }

    /**
     * A fresh home in {@code temp}/home whose only kernel is the synthetic OSv loader ({@link
     * OsvLoaders#bootable}: a boot sector printing OSv's version, {@code Cmdline: COMMAND} and
     * {@code output}, then powering off), imported as {@code osv}; skips (never under CI) without QEMU.
     */
    static JcapProcess withSyntheticOsvLoader(Path temp, String command, String output)
            throws IOException, InterruptedException {
        requireMachine();
        JcapProcess jcap = empty(temp.resolve("home"));
        Path loader = Files.write(temp.resolve("osv-loader.qemu.x86_64"),
                OsvLoaders.bootable("OSv v0.0-synthetic", "Cmdline: " + command, output));
        Result imported = jcap.run("kernels", "import", loader.toString());
        if (imported.exitCode() != 0) {
            fail("jcap kernels import of the synthetic OSv loader failed: " + imported);
        }
        return jcap;
    }

    /** The paths {@code jcap images ls IMAGE} lists, in its order. */
    List<String> imagePaths(String image) throws IOException, InterruptedException {
        Result ls = run("images", "ls", image);
        if (ls.exitCode() != 0) {
            fail("jcap images ls " + image + " failed: " + ls);
        }
        return ls.out().lines().skip(1).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
    }

    static void requireMachine() {
        Requirements.require(Component.QEMU);
        Requirements.require(Files.isRegularFile(ROOT.resolve("cli/target/jcap-cli.jar")), "the built CLI (mvn package)");
    }

    /**
     * Skips (never under CI) when this checkout's {@code jcap run} cannot start detached instances
     * yet ({@code jcap run -d -p HOST:GUEST --name N}, {@code jcap stop N}, {@code jcap rm N}).
     */
    void requireDetachedRun() throws IOException, InterruptedException {
        Result help = run("run", "--help");
        String usage = help.out() + help.err();
        if (!usage.matches("(?s).*(^|\\s)-d[,\\s].*") || !usage.contains("--name")) {
            Requirements.missing("detached runs (jcap run -d -p HOST:GUEST --name NAME)");
        }
    }

    /** A jcap started by {@link #startUntil}, its output read up to the line awaited. */
    record Reading(Process process, java.io.BufferedReader out) {
        /** The rest of the output, once jcap has ended. */
        String rest() {
            return String.join("\n", out.lines().toList());
        }
    }

    /**
     * Starts jcap with {@code args} ({@code ownGroup}: in a process group of its own, as a terminal
     * gives a foreground job, so that a Ctrl-C can be sent to the group) and reads its output up to
     * the first line starting with {@code prefix}; fails if it ends before.
     */
    Reading startUntil(boolean ownGroup, String prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (ownGroup) {
            command.add("setsid");
        }
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JCAP_HOME", home.toString());
        Process process = pb.start();
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; seen.add(line)) {
            if (line.startsWith(prefix)) {
                return new Reading(process, out);
            }
        }
        process.destroyForcibly();
        return fail("jcap " + String.join(" ", args) + " ended before a line starting with '" + prefix + "': " + seen);
    }

    /** {@code count} files of {@code size} random bytes, {@code f0} to {@code f<count-1>}, in {@code folder}. */
    static void randomFiles(Path folder, int count, int size, java.util.Random random) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            Files.write(folder.resolve("f" + i), bytes);
        }
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        java.util.concurrent.locks.Lock folder = exampleBuildLock(args);
        folder.lock();
        Result result;
        try {
            Started started = start(env, args);
            result = started.await(java.time.Duration.ofMinutes(10));
            Files.delete(started.out());
            Files.delete(started.err());
        } finally {
            folder.unlock();
        }
        keepAcceleratorVerdict();
        return result;
    }

    /**
     * The lock a {@code jcap build} of one of this checkout's examples holds: its {@code build}
     * command writes the program into the example's own folder, and test classes run side by side
     * (LibvirtRunIT read examples/http-server's binary while InstancesIT's build rewrote it: "changed
     * size while it was being read"). Any other command gets a lock nobody else holds.
     */
    private static java.util.concurrent.locks.Lock exampleBuildLock(String... args) {
        if (args.length > 0 && args[0].equals("build")) {
            Path examples = ROOT.resolve("examples");
            for (String arg : args) {
                Path folder = ROOT.resolve(arg).normalize();
                if (folder.getParent() != null && folder.getParent().equals(examples) && Files.isDirectory(folder)) {
                    return EXAMPLE_FOLDERS.computeIfAbsent(folder, f -> new java.util.concurrent.locks.ReentrantLock());
                }
            }
        }
        return new java.util.concurrent.locks.ReentrantLock();
    }

    /** Runs jcap with {@code input} as its standard input (jcap login --password-stdin). */
    Result runWithInput(Map<String, String> env, String input, String... args) throws IOException, InterruptedException {
        Path in = Files.writeString(Files.createTempFile(home, "in", ".txt"), input);
        try {
            Started started = start(env, ProcessBuilder.Redirect.from(in.toFile()), args);
            Result result = started.await(java.time.Duration.ofMinutes(10));
            Files.delete(started.out());
            Files.delete(started.err());
            return result;
        } finally {
            Files.delete(in);
        }
    }

    /** A jcap started in the background: its process, where its output goes, and its command line. */
    record Started(Process process, Path out, Path err, String command) {
        /** Waits (bounded) for it to end and returns its result. */
        Result await(java.time.Duration bound) throws IOException, InterruptedException {
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(command + " did not end within " + bound.toSeconds() + " s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }

        /** Waits (bounded at 60 s) for {@code text} on its standard error, looking every 10 ms; fails if it ends first. */
        void awaitErr(String text) throws IOException, InterruptedException {
            await(err, text, java.time.Duration.ofSeconds(60));
        }

        /** Waits (at most {@code bound}) for {@code text} on its standard output; fails if it ends first. */
        void awaitOut(String text, java.time.Duration bound) throws IOException, InterruptedException {
            await(out, text, bound);
        }

        /**
         * {@link Http#awaitAnswer}, for a server this run starts: gives up once jcap ended, and
         * fails with what jcap printed so far.
         */
        Http.Answer awaitAnswer(int port, String path) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + Http.BOOT.toNanos();
            IOException last = null;
            while (System.nanoTime() < deadline) {
                try {
                    return Http.get("127.0.0.1", port, path);
                } catch (IOException e) {
                    last = e;
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(200);
            }
            fail("no HTTP answer on 127.0.0.1:" + port + path + " ("
                    + (process.isAlive() ? "within " + Http.BOOT.toSeconds() + " s" : command + " ended with "
                            + process.exitValue()) + "): " + last + "; its output:\n" + Files.readString(out)
                    + "\nits errors:\n" + Files.readString(err));
            return null;
        }

        private void await(Path file, String text, java.time.Duration bound) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (!Files.readString(file).contains(text)) {
                if (System.nanoTime() >= deadline || !process.isAlive()) {
                    fail(command + " printed no '" + text + "': " + Files.readString(file));
                }
                Thread.sleep(10);
            }
        }
    }

    /** Starts jcap without waiting for it (a foreground run, logs -f). */
    Started start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Starts jcap without waiting for it, its standard input a pipe the test writes to (jcap run -i). */
    Started startWithInputPipe(String... args) throws IOException {
        return start(Map.of(), ProcessBuilder.Redirect.PIPE, args);
    }

    /** Starts jcap without waiting for it, with {@code env} added to its environment. */
    Started start(Map<String, String> env, String... args) throws IOException {
        return start(env, ProcessBuilder.Redirect.from(new java.io.File("/dev/null")), args);
    }

    private Started start(Map<String, String> env, ProcessBuilder.Redirect input, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(input);
        builder.environment().put("JCAP_HOME", home.toString());
        builder.environment().putAll(env);
        return new Started(builder.start(), out, err, "jcap " + String.join(" ", args));
    }

    /**
     * Whether the shared kernel has the power button modules, so that jcap stop ends a guest
     * gracefully; a kernel pulled before they were added is ended by QEMU quitting.
     */
    boolean kernelHasPowerButton() throws IOException {
        String record = Files.readString(home.resolve("kernels/" + defaultKernel() + "/kernel.json"));
        // linux-mini has the button and evdev built in (kernels/.../mini/linux-mini.config).
        return record.contains("\"evdev.ko\"") || record.matches("(?s).*\"flavour\"\\s*:\\s*\"mini\".*");
    }

    /** A project "sleeper" in {@code dir} whose program prints "ready" and sleeps for ten minutes. */
    static Path sleeperProject(Path dir) throws IOException {
        return cProject(dir, "sleeper", "#include <stdio.h>\n#include <unistd.h>\n"
                + "int main(void) { puts(\"ready\"); fflush(stdout); sleep(600); return 0; }\n", "");
    }

    /**
     * A project "talker" in {@code dir} whose program prints {@link #TALKER_LINES} numbered lines
     * ({@link #talkerLine}, 2.6 MB: more than virtlogd keeps in one log file) and exits with 4.
     */
    static Path talkerProject(Path dir) throws IOException {
        return cProject(dir, "talker", """
                #include <stdio.h>
                int main(void) {
                    for (int i = 0; i < %d; i++)
                        printf("line %%05d ..................................................\\n", i);
                    return 4;
                }
                """.formatted(TALKER_LINES), "");
    }

    /** Line {@code i} of {@link #talkerProject}'s output. */
    static String talkerLine(int i) {
        return String.format("line %05d ..................................................", i);
    }

    /**
     * A project {@code name} in {@code dir}: one C file, built statically with musl-gcc, whose
     * program the image runs as {@code /name}; {@code more} adds lines to the Capstanfile.
     */
    static Path cProject(Path dir, String name, String source, String more) throws IOException {
        Path project = Files.createDirectories(dir.resolve(name));
        Files.writeString(project.resolve(name + ".c"), source);
        Files.writeString(project.resolve("Capstanfile"), "build: musl-gcc -static -Os -o " + name + " " + name
                + ".c\ncmdline: /" + name + "\nfiles:\n  /" + name + ": \"&\"\n" + more);
        return project;
    }

    /** Copies an example project into {@code dir} (so a test can change it). */
    static Path copyExample(String name, Path dir) throws IOException {
        Path source = ROOT.resolve("examples").resolve(name);
        Path target = dir.resolve(name);
        Files.createDirectories(target);
        try (var files = Files.list(source)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f) && (f.toString().endsWith(".c") || f.getFileName().toString().equals("Capstanfile"))) {
                    Files.copy(f, target.resolve(f.getFileName()));
                }
            }
        }
        return target;
    }
}
