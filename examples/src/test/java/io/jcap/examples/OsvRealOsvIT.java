package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.CapstanRepositories;
import io.jcap.testsupport.RealOsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jcap against a real OSv (the files named by {@value RealOsv#VARIABLE}; run only under the
 * Maven profile real-osv): ROFS and ZFS images of PIE programs built with jcap build and booted
 * with jcap run, directly and from the disk, with run options, exit statuses, detached instances
 * and Capstan packages, one requiring a package of Capstan's repository.
 */
class OsvRealOsvIT {
    private static final String HELLO = """
            #include <stdio.h>
            #include <stdlib.h>
            int main(int argc, char **argv) {
                const char *who = getenv("WHO");
                printf("Hello from jcap on OSv, %s (%d args)\\n", who ? who : "world", argc);
                return argc > 1 ? atoi(argv[1]) : 0;
            }
            """;

    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static Path programs;

    @BeforeAll
    static void importTheKernelsAndBuildTheProgram() throws Exception {
        JcapProcess.requireMachine();
        jcap = JcapProcess.empty(temp.resolve("home"));
        for (String kernel : new String[] {RealOsv.LOADER_IMAGE, RealOsv.ZFS_BUILDER}) {
            JcapProcess.Result imported = jcap.run("kernels", "import", RealOsv.file(kernel).toString());
            assertEquals(0, imported.exitCode(), imported.toString());
        }
        programs = Files.createDirectories(temp.resolve("programs"));
        Files.writeString(programs.resolve("hello.c"), HELLO);
        Process cc = new ProcessBuilder("cc", "-O2", "-fPIE", "-pie", "-o", "hello", "hello.c")
                .directory(programs.toFile()).inheritIO().start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "cc failed");
    }

    private static Path project(String name, String capstanfile) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.copy(programs.resolve("hello"), dir.resolve("hello"));
        Files.writeString(dir.resolve("Capstanfile"), capstanfile);
        return dir;
    }

    private static void build(String name, String fs) throws Exception {
        Path dir = project(name, "kernel: osv\nfs: " + fs + "\ncmdline: /hello\nenv:\n  WHO: " + fs + "\n"
                + "files:\n  /hello: hello\n");
        JcapProcess.Result built = jcap.run("build", dir.toString());
        assertEquals(0, built.exitCode(), built.toString());
    }

    @Test
    void kernelsList_showsTheVersionOsvPrints() throws Exception {
        JcapProcess.Result list = jcap.run("kernels", "list");
        assertTrue(list.out().matches("(?s).*\\nosv +osv +loader +v\\d+\\.\\d+\\.\\d+\\S* .*"), list.toString());
        assertTrue(list.out().matches("(?s).*\\nosv-zfs-builder +osv +zfs-builder +v\\d+\\.\\d+\\.\\d+\\S* .*"),
                list.toString());
    }

    @Test
    void rofs_buildsAndBootsDirectly_printingOnlyTheApplicationsLine() throws Exception {
        build("hello-rofs", "rofs");
        JcapProcess.Result run = jcap.run("run", "hello-rofs");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Hello from jcap on OSv, rofs (1 args)\n", run.out(), run.toString());
        assertTrue(run.err().contains("(OSv, tcg, direct boot)") || run.err().contains("(OSv, kvm, direct boot)"),
                run.toString());
    }

    @Test
    void zfs_buildsThroughOsvsBuilderAndBootsDirectlyAndFromItsDisk() throws Exception {
        build("hello-zfs", "zfs");
        JcapProcess.Result direct = jcap.run("run", "hello-zfs");
        assertEquals(0, direct.exitCode(), direct.toString());
        assertEquals("Hello from jcap on OSv, zfs (1 args)\n", direct.out(), direct.toString());
        JcapProcess.Result disk = jcap.run("run", "--boot", "disk", "hello-zfs");
        assertEquals(0, disk.exitCode(), disk.toString());
        assertEquals("Hello from jcap on OSv, zfs (1 args)\n", disk.out(), disk.toString());
        assertTrue(disk.err().contains("disk boot)"), disk.toString());
        // jcap cannot read ZFS on the host: the listing is the file list the build kept.
        JcapProcess.Result ls = jcap.run("images", "ls", "hello-zfs");
        assertEquals(0, ls.exitCode(), ls.toString());
        assertTrue(ls.out().matches("(?s).*\\nfile +0755 +\\d+ +/hello\\n.*"), ls.toString());
    }

    @Test
    void runOptions_envAndCmd_andTheApplicationsExitStatus_directAndFromTheDisk() throws Exception {
        build("hello-opts", "rofs");
        for (String boot : new String[] {"direct", "disk"}) {
            JcapProcess.Result run = jcap.run("run", "--boot", boot, "-m", "300M", "-c", "2", "-e", "WHO=options",
                    "--cmd", "/hello 7", "hello-opts");
            assertEquals(7, run.exitCode(), run.toString());
            assertEquals("Hello from jcap on OSv, options (2 args)\n", run.out(), run.toString());
        }
    }

    @Test
    void detached_psShowsTheExitStatus_logsTheOutput() throws Exception {
        build("hello-detached", "rofs");
        JcapProcess.Result started = jcap.run("run", "-d", "--name", "osv-d", "--cmd", "/hello 5", "hello-detached");
        assertEquals(0, started.exitCode(), started.toString());
        String ps = Poll.until("the instance to exit", Duration.ofSeconds(60), () -> {
            JcapProcess.Result r = jcap.run("ps");
            return r.out().contains("exited (5)") ? java.util.Optional.of(r.out()) : java.util.Optional.empty();
        });
        assertTrue(ps.contains("osv-d"), ps);
        JcapProcess.Result logs = jcap.run("logs", "osv-d");
        assertEquals("Hello from jcap on OSv, rofs (2 args)\n", logs.out(), logs.toString());
        assertEquals(0, jcap.run("rm", "osv-d").exitCode());
    }

    @Test
    void capstanPackage_buildsAndRunsEachConfiguration_andSeveralInTurn() throws Exception {
        Path pkg = Files.createDirectories(temp.resolve("pkg/meta"));
        Files.copy(programs.resolve("hello"), pkg.resolveSibling("hello"));
        Files.writeString(pkg.resolve("package.yaml"), "name: hello.pkg\ntitle: Hello\nrequire:\n  - osv.bootstrap\n");
        Files.writeString(pkg.resolve("run.yaml"), "runtime: native\nconfig_set:\n  plain:\n    bootcmd: /hello\n"
                + "  loud:\n    bootcmd: /hello 4\n    env:\n      WHO: package\nconfig_set_default: plain\n");
        JcapProcess.Result built = jcap.run("build", pkg.getParent().toString());
        assertEquals(0, built.exitCode(), built.toString());
        JcapProcess.Result plain = jcap.run("run", "pkg");
        assertEquals("Hello from jcap on OSv, world (1 args)\n", plain.out(), plain.toString());
        JcapProcess.Result loud = jcap.run("run", "pkg", "--config-set", "loud");
        assertEquals(4, loud.exitCode(), loud.toString());
        assertEquals("Hello from jcap on OSv, package (2 args)\n", loud.out(), loud.toString());
        // Several in turn, as Capstan's --boot a --boot b: OSv runs them one after the other, the
        // variables of both set before the first starts; the last one's status is the run's.
        JcapProcess.Result both = jcap.run("run", "pkg", "--config-set", "loud,plain");
        assertEquals(0, both.exitCode(), both.toString());
        assertEquals("Hello from jcap on OSv, package (2 args)\nHello from jcap on OSv, package (1 args)\n", both.out(),
                both.toString());
    }

    /**
     * A package requiring one of Capstan's repository ({@code CAPSTAN_ROOT}), whose configuration
     * runs the required package's command ({@code base}) through a symbolic link the required
     * package holds: OSv expands {@code $CODE} on the command line jcap writes, from the
     * {@code --env} options in front of it. Built as ROFS (written on the host) and as ZFS
     * (streamed into OSv's ZFS builder).
     */
    @Test
    void capstanPackage_requiringARepositoryPackage_runsItsConfigurationThroughBase() throws Exception {
        Path repo = temp.resolve("capstan");
        CapstanRepositories.pkg("com.example.greeter")
                .file("bin/hello", Files.readAllBytes(programs.resolve("hello")), 0755)
                .symlink("greet", "bin/hello")
                .runYaml("runtime: native\nconfig_set:\n  greet:\n    bootcmd: /greet $CODE\n    env:\n"
                        + "      WHO: repository\n      CODE: \"6\"\n")
                .writeTo(repo);
        Path pkg = Files.createDirectories(temp.resolve("rpkg/meta"));
        Files.writeString(pkg.resolve("package.yaml"), "name: app\nrequire: [osv.bootstrap, com.example.greeter]\n");
        Files.writeString(pkg.resolve("run.yaml"), "runtime: native\nconfig_set:\n  app:\n"
                + "    base: com.example.greeter:greet\n    env:\n      WHO: app\nconfig_set_default: app\n");
        Map<String, String> env = Map.of("CAPSTAN_ROOT", repo.toString());

        for (String fs : new String[] {"rofs", "zfs"}) {
            String image = "rpkg-" + fs;
            JcapProcess.Result built = jcap.run(env, "build", "--fs", fs, "--name", image, pkg.getParent().toString());
            assertEquals(0, built.exitCode(), built.toString());
            JcapProcess.Result app = jcap.run("run", image);
            assertEquals(6, app.exitCode(), app.toString());
            assertEquals("Hello from jcap on OSv, app (2 args)\n", app.out(), app.toString());
        }
        JcapProcess.Result greet = jcap.run("run", "rpkg-rofs", "--config-set", "greet", "-e", "CODE=2");
        assertEquals(2, greet.exitCode(), greet.toString());
        assertEquals("Hello from jcap on OSv, repository (2 args)\n", greet.out(), greet.toString());
    }

    /** {@code jcap build --fs zfs} of a package, as {@code capstan package compose} builds it by default. */
    @Test
    void capstanPackage_fsZfs_buildsThroughOsvsZfsBuilderAndRuns() throws Exception {
        Path pkg = Files.createDirectories(temp.resolve("zpkg/meta"));
        Files.copy(programs.resolve("hello"), pkg.resolveSibling("hello"));
        Files.writeString(pkg.resolve("run.yaml"), "runtime: native\nconfig_set:\n  plain:\n    bootcmd: /hello 3\n"
                + "    env:\n      WHO: zfs\nconfig_set_default: plain\n");

        JcapProcess.Result built = jcap.run("build", "--fs", "zfs", pkg.getParent().toString());

        assertEquals(0, built.exitCode(), built.toString());
        JcapProcess.Result images = jcap.run("images", "--json");
        assertTrue(images.out().matches("(?s).*\"name\" : \"zpkg\".*?\"fs\" : \"zfs\".*"), images.out());
        JcapProcess.Result run = jcap.run("run", "zpkg");
        assertEquals(3, run.exitCode(), run.toString());
        assertEquals("Hello from jcap on OSv, zfs (2 args)\n", run.out(), run.toString());
    }
}
