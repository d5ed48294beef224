package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code JAVA_HOME} chooses the JDK bin/jcap runs on, and so the Java runtime of the images it
 * builds: an application compiled for a newer Java than the default JDK's is refused on that JDK,
 * with a message naming JAVA_HOME, and built and run on the newer one. The newer JDK is a second
 * one of the machine (this machine kind has Temurin's beside Debian's), whose jlink links from its
 * run-time image when it has no jmods.
 */
class JavaHomeIT {
    /** The class file release the application is compiled for: newer than the default JDK 17. */
    private static final int RELEASE = 21;

    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static Path newer;
    static int newerFeature;
    static Path project;

    @BeforeAll
    static void compileApplication() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        Optional<Path> found = newerJdk();
        Requirements.require(found.isPresent(), "a second JDK of Java " + RELEASE + " or later under /usr/lib/jvm"
                + " (this machine kind has Temurin's)");
        newer = found.get();
        newerFeature = feature(newer).orElseThrow();
        project = temp.resolve("newer-java");
        Path source = project.resolve("src/app/Main.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package app;\n"
                + "public class Main {\n"
                + "    public static void main(String[] args) {\n"
                + "        System.out.println(\"runtime java \" + Runtime.version().feature());\n"
                + "    }\n"
                + "}\n");
        exec(newer.resolve("bin/javac").toString(), "--release", String.valueOf(RELEASE), "-d", "classes",
                "src/app/Main.java");
        exec(newer.resolve("bin/jar").toString(), "--create", "--file", "app.jar", "--main-class", "app.Main",
                "-C", "classes", ".");
        Files.writeString(project.resolve("Capstanfile"), "files:\n  /app/app.jar: app.jar\n"
                + "runtime:\n  java:\n    jar: /app/app.jar\n    xmx: 64M\nmemory: 256M\n");
    }

    @Test
    void build_onTheDefaultJdk_refusesTheNewerClassFiles_namingJavaHome() throws Exception {
        String home = System.getProperty("java.home");
        JcapProcess.Result build = jcap.run(Map.of("JAVA_HOME", home), "build", project.toString());
        assertEquals(1, build.exitCode(), build.toString());
        assertTrue(build.err().contains("holds app/Main.class, which is compiled for Java " + RELEASE
                + " (class file version " + (44 + RELEASE) + "), but the image's Java runtime is Java "
                + Runtime.version().feature() + ", linked from the JDK jcap runs on (" + home + ")"), build.toString());
        assertTrue(build.err().contains("or run jcap on a JDK of Java " + RELEASE + " or later (JAVA_HOME)"),
                build.toString());
    }

    @Test
    void buildAndRun_withJavaHomeOfTheNewerJdk_runsOnItsRuntime() throws Exception {
        Map<String, String> env = Map.of("JAVA_HOME", newer.toString());
        JcapProcess.Result build = jcap.run(env, "build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
        assertTrue(build.err().contains("Linking a Java runtime with jlink: java.base\n"), build.toString());

        JcapProcess.Result run = jcap.run("run", "newer-java");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("runtime java " + newerFeature + "\n", run.out(), run.toString());
    }

    @Test
    void doctor_namesTheJdkOfJavaHome() throws Exception {
        JcapProcess.Result doctor = jcap.run(Map.of("JAVA_HOME", newer.toString()), "doctor");
        assertTrue(doctor.out().contains("[ok  ] Java images' runtimes are linked from "), doctor.toString());
        assertTrue(doctor.out().contains("(Java " + newerFeature + ") at " + newer + ", from its "), doctor.toString());
        assertTrue(doctor.err().isEmpty(), "no warning of the newer JVM (native access, JEP 472): " + doctor);
    }

    /**
     * bin/jcap's first run on a JDK dumps a class data archive of jcap's classes for that JDK in the
     * background; JDK 25 refused the class list (an id named twice), so every run went without one.
     * Another JDK's archive of the same jar stays.
     */
    @Test
    void launcher_onTheNewerJdk_makesItsOwnClassDataArchive_andKeepsTheOthers() throws Exception {
        Path jar = JcapProcess.ROOT.resolve("cli/target/jcap-cli.jar");
        String jarTag = Files.getLastModifiedTime(jar).toMillis() / 1000 + "-" + Files.size(jar);
        Path archive = jar.resolveSibling("jcap-" + jarTag + "-" + newer.toString().replaceAll("[^A-Za-z0-9._-]", "_")
                + ".jsa");
        Path other = jar.resolveSibling("jcap-" + jarTag + "-not-a-jdk.jsa");
        Files.deleteIfExists(archive);
        Files.writeString(other, "another JDK's archive of this jar");
        try {
            JcapProcess.Result version = jcap.run(Map.of("JAVA_HOME", newer.toString()), "version");
            assertEquals(0, version.exitCode(), version.toString());
            Poll.until("the archive " + archive, java.time.Duration.ofSeconds(120),
                    () -> Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty());
            assertTrue(Files.size(archive) > 1 << 20, archive + " holds jcap's classes");
            assertTrue(Files.exists(other), "an archive of the same jar for another JDK is kept");
        } finally {
            Files.deleteIfExists(other);
        }
    }

    @Test
    void javaHomeWithoutJava_isRefusedInOneLine() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("not-a-jdk"));
        JcapProcess.Result version = jcap.run(Map.of("JAVA_HOME", empty.toString()), "version");
        assertEquals(3, version.exitCode(), version.toString());
        assertEquals("jcap: JAVA_HOME is " + empty + ", which has no bin/java: point it at a JDK 17 or later, or"
                + " unset it to use the java on PATH\n", version.err());
    }

    /** A JDK older than jcap's Java 17 is named by its release file, not left to fail on jcap's class files. */
    @Test
    void javaHomeOfAnOlderJava_isRefusedInOneLine() throws Exception {
        Path old = Files.createDirectories(temp.resolve("jdk-11/bin"));
        Files.writeString(old.resolve("java"), "#!/bin/sh\necho should not run >&2\nexit 1\n");
        old.resolve("java").toFile().setExecutable(true);
        Files.writeString(old.getParent().resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"11.0.2\"\n");

        JcapProcess.Result version = jcap.run(Map.of("JAVA_HOME", old.getParent().toString()), "version");

        assertEquals(3, version.exitCode(), version.toString());
        assertEquals("jcap: JAVA_HOME is " + old.getParent() + ", a Java 11, and jcap needs Java 17 or later: point"
                + " JAVA_HOME at a newer JDK, or unset it to use the java on PATH\n", version.err());
    }

    /** The JDK under /usr/lib/jvm of the highest Java release at least {@link #RELEASE}, with javac and jar. */
    static Optional<Path> newerJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> !Files.isSymbolicLink(h))
                    .filter(h -> Files.isExecutable(h.resolve("bin/javac")) && Files.isExecutable(h.resolve("bin/jar")))
                    .filter(h -> feature(h).orElse(0) >= RELEASE)
                    .max((a, b) -> Integer.compare(feature(a).orElse(0), feature(b).orElse(0)));
        }
    }

    /** The feature release a JDK's {@code release} file names ({@code JAVA_VERSION="25.0.3"} gives 25). */
    static Optional<Integer> feature(Path jdk) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(jdk.resolve("release")));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(project.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }
}
