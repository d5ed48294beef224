package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void init_native_inANewFolder_writesTheProgramItsTemplateBuilds() throws Exception {
        Path dir = temp.resolve("new");
        Outcome init = jcap("init", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertEquals("wrote " + dir.resolve("hello.c") + " (a starting program)\nwrote " + dir.resolve("Capstanfile")
                + " (native application); edit it, then run: jcap build " + dir + "\n", init.out());
        assertTrue(Files.readString(dir.resolve("hello.c")).contains("getenv(\"GREETING\")"));
        assertTrue(Files.readString(dir.resolve("Capstanfile")).contains("\nbuild: cc -O2 -o hello hello.c\n"));

        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertEquals(0, jcap("init", empty.toString()).exitCode());
        assertTrue(Files.exists(empty.resolve("hello.c")));
    }

    @Test
    void init_native_scaffoldValidatesBeforeAndAfterItsProgramExists() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("native"));
        Files.writeString(dir.resolve("main.c"), "int main(void) { return 0; }\n");
        Outcome init = jcap("init", "--runtime", "native", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertEquals("wrote " + dir.resolve("Capstanfile") + " (native application); edit it, then run: jcap build "
                + dir + "\n", init.out());
        assertFalse(Files.exists(dir.resolve("hello.c")), "a folder with files of its own gets no starting program");
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

    /** A Maven project's jar is named from its POM (its parent's version), and the scaffold validates once built. */
    @Test
    void init_java_inAMavenProject_namesThePomsJar() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("mvn"));
        Files.writeString(dir.resolve("pom.xml"), "<?xml version=\"1.0\"?>\n"
                + "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                + "<parent><groupId>g</groupId><artifactId>p</artifactId><version>2.1</version></parent>"
                + "<artifactId>demo</artifactId><dependencies><dependency><artifactId>x</artifactId>"
                + "<version>9</version></dependency></dependencies></project>\n");
        Outcome init = jcap("init", "--runtime", "java", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertTrue(init.out().contains("(java application: built by Maven into target/demo-2.1.jar)"), init.out());
        String capstanfile = Files.readString(dir.resolve("Capstanfile"));
        assertTrue(capstanfile.contains("\nbuild: mvn -q package\n"), capstanfile);
        assertTrue(capstanfile.contains("\n  /app/demo-2.1.jar: target/demo-2.1.jar\n"), capstanfile);
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("target/demo-2.1.jar"), "built");
        Outcome validate = jcap("validate", dir.toString());
        assertEquals(dir.resolve("Capstanfile") + ": valid (runs /opt/java/bin/java -Xmx256M -XX:+UseG1GC"
                + " -XX:-UsePerfData -jar /app/demo-2.1.jar)\n", validate.out(), validate.err());
    }

    /** Gradle's jar is the one in build/libs; a jar alone in the folder needs no build command. */
    @Test
    void init_java_inAGradleProject_orBesideALoneJar_fitsTheBuildAndTheJar() throws Exception {
        Path gradle = Files.createDirectories(temp.resolve("gradle/build/libs")).getParent().getParent();
        Files.writeString(gradle.resolve("build.gradle.kts"), "plugins { java }\n");
        Files.writeString(gradle.resolve("build/libs/app-0.3.jar"), "built");
        Files.writeString(gradle.resolve("build/libs/app-0.3-sources.jar"), "sources");
        Outcome init = jcap("init", "--runtime", "java", gradle.toString());
        assertEquals(0, init.exitCode(), init.err());
        String capstanfile = Files.readString(gradle.resolve("Capstanfile"));
        assertTrue(capstanfile.contains("\nbuild: gradle -q jar\n") && capstanfile.contains(
                "\n  /app/app-0.3.jar: build/libs/app-0.3.jar\n"), capstanfile);

        Path lone = Files.createDirectories(temp.resolve("lone"));
        Files.writeString(lone.resolve("tool.jar"), "built");
        Outcome loneInit = jcap("init", "--runtime", "java", lone.toString());
        assertTrue(loneInit.out().contains("(java application: the jar tool.jar, nothing to build)"), loneInit.out());
        assertEquals(lone.resolve("Capstanfile") + ": valid (runs /opt/java/bin/java -Xmx256M -XX:+UseG1GC"
                + " -XX:-UsePerfData -jar /app/tool.jar)\n", jcap("validate", lone.toString()).out());
        assertFalse(Files.readString(lone.resolve("Capstanfile")).contains("\nbuild:"));
    }

    /** A POM read for its jar's name reads no DTD or entity: such a POM gets the jar found in target/ instead. */
    @Test
    void init_java_pomWithAnEntity_isNotExpanded() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("xxe"));
        Files.writeString(temp.resolve("secret"), "secret");
        Files.writeString(dir.resolve("pom.xml"), "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY s SYSTEM \"file://"
                + temp.resolve("secret") + "\">]><project><artifactId>&s;</artifactId><version>1</version></project>");
        Outcome init = jcap("init", "--runtime", "java", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertFalse(Files.readString(dir.resolve("Capstanfile")).contains("secret"));
        assertTrue(init.out().contains("built by Maven into target/app.jar: check files:"), init.out());
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
        Outcome init = jcap("init", "--runtime", "ruby", temp.toString());
        assertEquals(2, init.exitCode());
        assertTrue(init.err().startsWith("Invalid value for option '--runtime': 'ruby' is not a runtime: use native"
                + " or java (with --package also node or python)\n"), init.err());
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

    @Test
    void init_package_writesMetaThatValidates_andEveryRuntimesParses() throws Exception {
        Path dir = temp.resolve("My App");
        Outcome init = jcap("init", "--package", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertEquals("wrote " + dir.resolve("meta/package.yaml") + " and " + dir.resolve("meta/run.yaml") + " (Capstan"
                + " package, runtime native); edit them, then run: jcap build " + dir + "\n", init.out());
        assertTrue(Files.readString(dir.resolve("meta/package.yaml")).contains("\nname: My-App\n"));
        Outcome valid = jcap("validate", dir.toString());
        assertEquals(0, valid.exitCode(), valid.out() + valid.err());
        assertEquals(dir.resolve("meta/run.yaml") + ": valid (runs /hello; configurations hello (default))\n",
                valid.out());

        for (String runtime : new String[] {"java", "node", "python"}) {
            Path other = temp.resolve(runtime);
            assertEquals(0, jcap("init", "--package", "--runtime", runtime, other.toString()).exitCode());
            io.jcap.capstanfile.CapstanPackage p = new io.jcap.capstanfile.CapstanfileParser().parse(other)
                    .capstanPackage().orElseThrow();
            assertEquals(java.util.List.of(runtime.equals("java") ? "openjdk8-zulu-compact1"
                    : runtime.equals("node") ? "node-4.4.5" : "python-2.7", "osv.bootstrap"), p.requiredNames());
            assertEquals("app", p.defaultConfigSet());
        }
    }

    @Test
    void init_package_overNothingItDidNotWrite_andNodeOnlyForPackages() throws Exception {
        Path dir = temp.resolve("pkg");
        assertEquals(0, jcap("init", "--package", dir.toString()).exitCode());

        Outcome again = jcap("init", "--package", dir.toString());
        assertEquals(1, again.exitCode());
        assertEquals("jcap: " + dir.resolve("meta/package.yaml") + " already exists (use --force to overwrite it)\n",
                again.err());

        Path capstanfile = temp.resolve("capstanfile");
        assertEquals(0, jcap("init", capstanfile.toString()).exitCode());
        Outcome beside = jcap("init", "--package", capstanfile.toString());
        assertEquals(1, beside.exitCode());
        assertEquals("jcap: " + capstanfile.resolve("Capstanfile") + " exists: jcap build " + capstanfile + " builds"
                + " from it and would ignore meta/ (remove it, or use --force to write meta/ anyway)\n", beside.err());

        Outcome node = jcap("init", "--runtime", "node", temp.resolve("n").toString());
        assertEquals(2, node.exitCode());
        assertTrue(node.err().contains("--runtime node is one of Capstan's package runtimes: add --package (a"
                + " Capstanfile's runtimes are native and java)"), node.err());
        assertTrue(!Files.exists(temp.resolve("n")));
    }
}
