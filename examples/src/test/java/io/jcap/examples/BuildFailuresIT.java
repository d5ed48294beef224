package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input and missing parts: a clear error, the right exit code, and the repository as it was. */
class BuildFailuresIT {
    @TempDir
    Path temp;

    @Test
    void build_withoutKernel_exitsWithEnvironmentErrorAndStoresNothing() throws Exception {
        JcapProcess.requireMachine();
        JcapProcess jcap = JcapProcess.empty(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", "examples/hello");
        assertEquals(3, build.exitCode(), build.toString());
        assertEquals("jcap: kernel 'linux' is not in " + jcap.home.resolve("kernels")
                + ": pull it with 'jcap kernels pull' or import one with 'jcap kernels import FILE'\n",
                lastLine(build.err()), build.toString());
        assertFalse(Files.exists(jcap.home.resolve("images/hello")));
    }

    @Test
    void build_capstanfileNamingMissingFile_namesTheKeyAndStoresNothing() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = temp.resolve("missing");
        Files.createDirectories(project);
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /app/x\nfiles:\n  /app/x: missing.bin\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(1, build.exitCode(), build.toString());
        assertEquals("jcap: Capstanfile:3:11: files./app/x: host file 'missing.bin' does not exist (resolved to "
                + project.resolve("missing.bin") + ")\n", build.err(), build.toString());
        assertFalse(Files.exists(jcap.home.resolve("images/missing")));
    }

    @Test
    void build_failingBuildCommand_showsItsOutputAndKeepsThePreviousImage() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.copyExample("hello", temp);
        JcapProcess.Result good = jcap.run("build", project.toString());
        assertEquals(0, good.exitCode(), good.toString());
        String before = Files.readString(jcap.home.resolve("images/hello/image.json"));

        Files.writeString(project.resolve("hello.c"), "this is not C\n");
        JcapProcess.Result bad = jcap.run("build", project.toString());
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("jcap: build command 'musl-gcc -static -Os -s -o hello hello.c' failed with exit"
                + " code 1; its last output lines:"), bad.toString());
        assertEquals(before, Files.readString(jcap.home.resolve("images/hello/image.json")));
        JcapProcess.Result run = jcap.run("run", "hello");
        assertEquals("Hello from jcap, world!\n", run.out(), run.toString());
    }

    @Test
    void run_unknownImage_listsTheImages() throws Exception {
        JcapProcess.requireMachine();
        JcapProcess jcap = JcapProcess.empty(temp.resolve("home"));
        JcapProcess.Result run = jcap.run("run", "nope");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("jcap: no image named 'nope' (the repository is empty: build one with jcap build)\n", run.err());
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines[lines.length - 1] + "\n";
    }
}
