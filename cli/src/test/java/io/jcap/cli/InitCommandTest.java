package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
    @TempDir
    Path temp;

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome jcap(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Jcap.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void init_fromMissingArchive_failsNamingItAndWritesNothing() {
        Path dir = temp.resolve("none");
        Outcome init = jcap("init", "--from", "docker-archive:" + temp.resolve("missing.tar"), dir.toString());

        assertEquals(1, init.exitCode(), init.out());
        assertTrue(init.err().contains("image archive " + temp.resolve("missing.tar") + " does not exist or is not a file"),
                init.err());
        assertTrue(!Files.exists(dir.resolve("Capstanfile")));
    }

    @Test
    void init_native_scaffoldValidatesBeforeAndAfterItsProgramExists() throws Exception {
        Path dir = temp.resolve("native");
        Outcome init = jcap("init", "--runtime", "native", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertEquals("wrote " + dir.resolve("Capstanfile") + " (native application); edit it, then run: jcap build "
                + dir + "\n", init.out());
        String text = Files.readString(dir.resolve("Capstanfile"));
        assertTrue(text.contains("\nruntime: native\n"), text);

        Outcome before = jcap("validate", dir.toString());
        assertEquals(0, before.exitCode(), before.out() + before.err());
        assertEquals(dir.resolve("Capstanfile") + ": note: files./app/hello: host file 'hello' does not exist yet"
                + " (resolved to " + dir.resolve("hello") + "); the build command must make it\n"
                + dir.resolve("Capstanfile") + ": valid (runs /app/hello)\n", before.out());

        Files.writeString(dir.resolve("hello"), "built");
        Outcome after = jcap("validate", dir.toString());
        assertEquals(0, after.exitCode(), after.out() + after.err());
        assertEquals(dir.resolve("Capstanfile") + ": valid (runs /app/hello)\n", after.out());
    }

    @Test
    void init_java_scaffoldValidatesAndShowsTheDerivedCommandLine() throws Exception {
        Path dir = temp.resolve("java");
        Outcome init = jcap("init", "--runtime", "java", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("target/app.jar"), "built");
        Outcome validate = jcap("validate", dir.toString());
        assertEquals(0, validate.exitCode(), validate.out() + validate.err());
        assertEquals(dir.resolve("Capstanfile") + ": valid (runs /opt/java/bin/java -Xmx256M -XX:+UseG1GC -XX:-UsePerfData -jar /app/app.jar)\n",
                validate.out());
    }

    @Test
    void init_existingCapstanfile_isKeptWithoutForce() throws Exception {
        Files.writeString(temp.resolve("Capstanfile"), "cmdline: /mine\n");
        Outcome init = jcap("init", "--runtime", "java", temp.toString());
        assertEquals(1, init.exitCode());
        assertEquals("jcap: " + temp.resolve("Capstanfile") + " already exists (use --force to overwrite it)\n",
                init.err());
        assertEquals("cmdline: /mine\n", Files.readString(temp.resolve("Capstanfile")));
    }

    @Test
    void init_unknownRuntime_isAUsageError() {
        Outcome init = jcap("init", "--runtime", "python", temp.toString());
        assertEquals(2, init.exitCode());
        assertTrue(init.err().startsWith("Invalid value for option '--runtime': 'python' is not a runtime: use native"
                + " or java\n"), init.err());
    }

    @Test
    void validate_javaMainWithoutClassPath_saysWhatToAdd() throws Exception {
        Files.writeString(temp.resolve("Capstanfile"), "runtime:\n  java:\n    main: com.example.Main\n");
        Outcome validate = jcap("validate", temp.toString());
        assertEquals(1, validate.exitCode());
        assertEquals(temp.resolve("Capstanfile") + ":3:11: runtime.java.main: main com.example.Main needs a classpath or"
                + " a jar to load it from: add classpath: [/app] or jar: /app/app.jar\n", validate.out());
        assertEquals("jcap: 1 problem in " + temp.resolve("Capstanfile") + "\n", validate.err());
    }
}
