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
                + ": pull it with 'jcap kernels pull linux'\n", lastLine(build.err()), build.toString());
        assertFalse(Files.exists(jcap.home.resolve("images/hello")));
    }

    @Test
    void build_capstanfileNamingMissingFile_namesTheKeyAndStoresNothing() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = temp.resolve("missing");
        Files.createDirectories(project);
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /app/x\nsize: 12x\nfiles:\n  /app/x: missing.bin\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(1, build.exitCode(), build.toString());
        // Every problem in one run, as validate prints them: the missing host file with the rest.
        assertEquals(project.resolve("Capstanfile") + ":2:7: size: '12x' is not a size: use a whole number and a unit"
                + " K, M, G or T (1K = 1024 bytes), in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)\n"
                + project.resolve("Capstanfile") + ":4:11: files./app/x: host file 'missing.bin' does not exist"
                + " (resolved to " + project.resolve("missing.bin") + ")\n"
                + "jcap: 2 problems in " + project.resolve("Capstanfile") + "\n", build.err(), build.toString());
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
    void build_scriptWhoseInterpreterIsMissing_isRefusedBeforeAnyGuestBoots() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = Files.createDirectories(temp.resolve("script"));
        Files.writeString(project.resolve("run.sh"), "#!/bin/bash\necho hi\n");
        Files.setPosixFilePermissions(project.resolve("run.sh"), java.nio.file.attribute.PosixFilePermissions.fromString(
                "rwxr-xr-x"));
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /app/run.sh\nfiles:\n  /app/run.sh: run.sh\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(1, build.exitCode(), build.toString());
        assertEquals("jcap: the command /app/run.sh starts with #!/bin/bash, and its interpreter /bin/bash is not in the"
                + " image: add it under files (or its package's files), or name another interpreter\n",
                lastLine(build.err()), build.toString());
        assertFalse(build.err().contains("Booting the builder VM"), build.toString());
        assertFalse(Files.exists(jcap.home.resolve("images/script")));
    }

    /**
     * A run's {@code --cmd} is checked against the image's list of files only, so a script whose
     * interpreter is missing reaches the guest: its init says what exec needed, not only the
     * kernel's "No such file or directory" for a file that is there.
     */
    @Test
    void run_cmdWhoseInterpreterOrLoaderIsMissing_theGuestNamesWhatIsMissing() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.copyExample("hello", temp);
        Files.writeString(project.resolve("run.sh"), "#!/bin/bash\necho hi\n");
        Files.copy(Path.of("/bin/true"), project.resolve("dynamic"));
        Files.setPosixFilePermissions(project.resolve("run.sh"), java.nio.file.attribute.PosixFilePermissions.fromString(
                "rwxr-xr-x"));
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                .replace("files:\n", "files:\n  /app/run.sh: run.sh\n  /app/true: dynamic\n"));
        assertEquals(0, jcap.run("build", project.toString()).exitCode());

        JcapProcess.Result script = jcap.run("run", "--cmd", "/app/run.sh", "hello");
        assertEquals(127, script.exitCode(), script.toString());
        assertTrue(script.out().contains("JCAP-ERROR exec /app/run.sh: its #! interpreter /bin/bash: No such file or"
                + " directory\n"), script.toString());

        JcapProcess.Result dynamic = jcap.run("run", "--cmd", "/app/true", "hello");
        assertEquals(127, dynamic.exitCode(), dynamic.toString());
        assertTrue(dynamic.out().contains("JCAP-ERROR exec /app/true: its ELF loader /lib64/ld-linux-x86-64.so.2: No"
                + " such file or directory (a dynamically linked program needs its loader and shared libraries in the"
                + " image)\n"), dynamic.toString());
    }

    @Test
    void kernelsImport_underTheNameOfAStoredKernel_isRefusedWithoutForce() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path file = Files.write(temp.resolve("vmlinuz"), new byte[1024]);
        JcapProcess.Result r = jcap.run("kernels", "import", file.toString(), "--name", "linux");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("jcap: kernel 'linux' is already stored (jcap kernels lists it): import under another --name, or"
                + " replace it with --force\n", lastLine(r.err()), r.toString());
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
