package io.jcap.builder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.capstanfile.CommandWords;
import io.jcap.capstanfile.Runtime;
import io.jcap.model.ByteSize;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JavaCommandLineTest {
    static Runtime.Java java(String main, String jar, List<String> classpath, List<String> jvmArgs, String xms,
                             String xmx, List<String> args) {
        return new Runtime.Java(Optional.ofNullable(main), Optional.ofNullable(jar).map(GuestPath::of),
                classpath.stream().map(GuestPath::of).toList(), jvmArgs, Optional.ofNullable(xms).map(ByteSize::parse),
                Optional.ofNullable(xmx).map(ByteSize::parse), args);
    }

    @Test
    void argv_jarWithoutMain_runsTheJarWithHeapAndOptionsFirst() throws JcapException {
        assertEquals(List.of("/opt/java/bin/java", "-Xms32M", "-Xmx1G", "-XX:+UseG1GC", "-XX:-UsePerfData",
                        "-Dgreeting=hi", "-jar", "/app/app.jar",
                        "--port", "80"),
                JavaCommandLine.argv(java(null, "/app/app.jar", List.of(), List.of("-Dgreeting=hi"), "32M", "1024M",
                        List.of("--port", "80")), JavaRuntime.HOME));
    }

    @Test
    void argv_heapSizesInUsersSpellings_areWrittenAsTheJvmReadsThem() throws JcapException {
        String[][] cases = {{"128m", "128M"}, {"512mb", "512M"}, {"512MiB", "512M"}, {"1GiB", "1G"}, {"1 G", "1G"},
            {"2gb", "2G"}, {"1536 kB", "1536K"}, {"1t", "1024G"}};
        for (String[] c : cases) {
            assertEquals(List.of("/opt/java/bin/java", "-Xms" + c[1], "-Xmx" + c[1], "-XX:+UseG1GC", "-XX:-UsePerfData",
                    "-jar", "/app/app.jar"),
                    JavaCommandLine.argv(java(null, "/app/app.jar", List.of(), List.of(), c[0], c[0], List.of()),
                            JavaRuntime.HOME), c[0]);
        }
    }

    @Test
    void argv_mainWithJarAndClasspath_putsTheJarFirstOnTheClassPath() throws JcapException {
        assertEquals(List.of("/opt/java/bin/java", "-XX:+UseG1GC", "-XX:-UsePerfData", "-cp", "/app/app.jar:/app/classes:/app/lib/*",
                "com.example.Main"),
                JavaCommandLine.argv(java("com.example.Main", "/app/app.jar",
                        List.of("/app/classes", "/app/app.jar", "/app/lib/*"), List.of(), null, null, List.of()),
                        JavaRuntime.HOME));
    }

    @Test
    void argv_collectorChosenOrSharingOff_addsNoCollector_andSharingOffLeavesTheArchiveOut() throws JcapException {
        for (String option : List.of("-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseZGC", "-Xshare:off")) {
            assertEquals(List.of("/opt/java/bin/java", "-XX:-UsePerfData", option, "-jar", "/app/app.jar"), JavaCommandLine.argv(
                    java(null, "/app/app.jar", List.of(), List.of(option), null, null, List.of()), JavaRuntime.HOME));
        }
        assertTrue(JavaCommandLine.sharesClassData(List.of("-XX:+UseSerialGC", "-Xshare:auto")));
        assertFalse(JavaCommandLine.sharesClassData(List.of("-Xshare:off")));
    }

    @Test
    void argv_perfDataNamedInTheOptions_isLeftAsTheyAskIt() throws JcapException {
        for (String option : List.of("-XX:+UsePerfData", "-XX:-UsePerfData")) {
            assertEquals(List.of("/opt/java/bin/java", "-XX:+UseG1GC", option, "-jar", "/app/app.jar"), JavaCommandLine.argv(
                    java(null, "/app/app.jar", List.of(), List.of(option), null, null, List.of()), JavaRuntime.HOME));
        }
    }

    @Test
    void argv_mainWithoutClasspathOrJar_saysWhatToAdd() {
        JcapException e = assertThrows(JcapException.class, () -> JavaCommandLine.argv(
                java("com.example.Main", null, List.of(), List.of(), null, null, List.of()), JavaRuntime.HOME));
        assertEquals("runtime.java: main com.example.Main needs a classpath or a jar to load it from: add"
                + " classpath: [/app] or jar: /app/app.jar", e.getMessage());
    }

    @Test
    void display_quotesWordsThatWouldSplitAndSplitsBackToTheSameWords() {
        List<String> argv = List.of("/opt/java/bin/java", "-Dname=two words", "", "it's", "-jar", "/app/a.jar");
        String line = JavaCommandLine.display(argv);
        assertEquals("/opt/java/bin/java '-Dname=two words' '' 'it'\\''s' -jar /app/a.jar", line);
        assertEquals(argv, CommandWords.split(line));
    }
}
