package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands with a Capstan package (meta/package.yaml, meta/run.yaml): validate, build and run --config-set. */
class CapstanPackageCommandsTest {
    private static final String RUN_YAML = """
            runtime: native
            config_set:
              hello:
                bootcmd: /hello
              shout:
                bootcmd: /hello --shout
            config_set_default: hello
            """;

    @TempDir
    Path temp;

    private Path pkg(String runYaml) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("hello-pkg/meta"));
        Files.writeString(dir.resolve("package.yaml"), "name: com.example.hello\nrequire: [osv.bootstrap]\n");
        Files.writeString(dir.resolve("run.yaml"), runYaml);
        return dir.getParent();
    }

    @Test
    void validate_package_namesItsRunYamlCommandAndConfigurations() throws Exception {
        Path pkg = pkg(RUN_YAML);

        JcapTest.Result r = JcapTest.jcap("validate", pkg.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals(pkg.resolve("meta/run.yaml") + ": valid (runs /hello; configurations hello (default), shout)\n",
                r.out());
    }

    @Test
    void validateAndInit_packageMetaFolderOrPackageFolder_sayWhatToDo() throws Exception {
        Path pkg = pkg(RUN_YAML);

        JcapTest.Result meta = JcapTest.jcap("validate", pkg.resolve("meta").toString());
        JcapTest.Result init = JcapTest.jcap("init", pkg.toString());

        assertEquals(1, meta.code());
        assertEquals(pkg.resolve("meta/Capstanfile") + ": not found in " + pkg.resolve("meta") + ", which is a Capstan"
                + " package's meta/ folder: give the package's folder, " + pkg + "\n", meta.out());
        assertEquals(1, init.code());
        assertEquals("jcap: " + pkg + " is a Capstan package (meta/): 'jcap build " + pkg + "' builds it as it is, and a"
                + " Capstanfile there would take its place (use --force to write one anyway)\n", init.err());
        assertTrue(Files.notExists(pkg.resolve("Capstanfile")));
        assertEquals(0, JcapTest.jcap("init", "--force", pkg.toString()).code());
    }

    /** Every configuration is stored in the image, so each must fit OSv's command line, as the build writes it. */
    @Test
    void validate_aConfigurationTooLongForOsv_isRefusedAtItsBootcmd() throws Exception {
        String classPath = String.join(":", java.util.Collections.nCopies(80, "/jars/lib.jar"));
        Path pkg = pkg("runtime: native\nconfig_set:\n  short:\n    bootcmd: /java.so -version\n  long:\n"
                + "    bootcmd: /java.so -cp " + classPath + " Main\n    env:\n      A: b\nconfig_set_default: short\n");

        JcapTest.Result r = JcapTest.jcap("validate", pkg.toString());

        assertEquals(1, r.code(), r.err());
        int bytes = ("--rootfs=rofs --env=A=b /java.so -cp " + classPath + " Main").length();
        assertEquals(pkg.resolve("meta/run.yaml") + ":6:14: config_set.long.bootcmd: OSv's command line (--rootfs=rofs,"
                + " the env options, bootcmd) is " + bytes + " bytes: OSv takes at most 1023: shorten it\n", r.out());
    }

    @Test
    void capstanCommand_saysWhatJcapHasInstead() {
        JcapTest.Result r = JcapTest.jcap("package", "compose", "x");

        assertEquals(2, r.code());
        assertTrue(r.err().contains("'package' is a Capstan command; in jcap, 'jcap build DIR' builds a Capstan package"
                + " folder (meta/) as 'capstan package compose' does.\n"), r.err());
        assertTrue(!r.err().contains("Did you mean"), r.err());
    }

    @Test
    void validate_badPackage_printsEveryProblemAtItsFileAndExits1() throws Exception {
        Path pkg = pkg("runtime: native\nconfig_set:\n  hello:\n    bootcmnd: /hello\n");
        Files.writeString(pkg.resolve("meta/package.yaml"), "name: x\nrequire: [../x]\n");

        JcapTest.Result r = JcapTest.jcap("validate", pkg.toString());

        assertEquals(1, r.code());
        String packageYaml = pkg.resolve("meta/package.yaml").toString();
        String runYaml = pkg.resolve("meta/run.yaml").toString();
        assertEquals(packageYaml + ":2:11: require[0]: '../x' is not a package name: letters, digits, '.', '_' and '-'"
                + " (osv.bootstrap)\n"
                + runYaml + ":4:5: config_set.hello: bootcmd is required (the command OSv runs, e.g. bootcmd: /hello, or"
                + " base: PACKAGE:CONFIGURATION)\n"
                + runYaml + ":4:5: config_set.hello: unknown key 'bootcmnd': did you mean 'bootcmd'?\n", r.out());
        assertEquals("jcap: 3 problems in " + pkg.resolve("meta") + "\n", r.err());
    }

    @Test
    void validate_aConfigurationWithBase_saysWhichConfigurationItRuns() throws Exception {
        Path pkg = pkg("runtime: native\nconfig_set:\n  main:\n    base: x:other\n  other:\n    bootcmd: /hello\n"
                + "config_set_default: main\n");
        Files.writeString(pkg.resolve("meta/package.yaml"), "name: x\n");

        JcapTest.Result r = JcapTest.jcap("validate", pkg.toString());

        assertEquals(0, r.code(), r.toString());
        assertEquals(pkg.resolve("meta/run.yaml") + ": valid (runs the command of configuration x:other;"
                + " configurations main (default), other)\n", r.out());
    }

    @Test
    void validate_packageTheCapstanRepositoryLacks_isAProblemAtItsLine() throws Exception {
        Path pkg = pkg(RUN_YAML);
        Files.writeString(pkg.resolve("meta/package.yaml"), "name: x\nrequire:\n  - osv.bootstrap\n"
                + "  - com.example.not-in-any-repository\n");

        JcapTest.Result r = JcapTest.jcap("validate", pkg.toString());

        assertEquals(1, r.code(), r.toString());
        String root = System.getenv("CAPSTAN_ROOT");
        Path packages = (root == null || root.isBlank() ? Path.of(System.getProperty("user.home"), ".capstan")
                : Path.of(root)).resolve("packages");
        assertEquals(pkg.resolve("meta/package.yaml") + ":4:5: require[1]: package com.example.not-in-any-repository is"
                + " not in the Capstan repository " + packages + " (no com.example.not-in-any-repository.mpm): pull it"
                + " there with 'capstan package pull com.example.not-in-any-repository' (jcap reads Capstan's repository,"
                + " it does not download), set CAPSTAN_ROOT to the repository that has it, or copy its files into this"
                + " folder and remove it from require\n", r.out());
    }

    @Test
    void runAndBuild_configSet_isAnOptionWithHelp() {
        assertEquals("shout", parsed(new RunCommand(), "--config-set", "shout", "hello-pkg").configSet);
        assertEquals("shout", parsed(new BuildCommand(), "--config-set", "shout", "dir").configSet);

        JcapTest.Result run = JcapTest.jcap("help", "run");
        assertTrue(run.out().contains("[--config-set=NAME]"), run.out());
        assertTrue(run.out().contains("--config-set=NAME   For an image built from a Capstan package"), run.out());
        JcapTest.Result build = JcapTest.jcap("help", "build");
        assertTrue(build.out().contains("--config-set=NAME   For a Capstan package (meta/run.yaml"), build.out());
    }

    @Test
    void runAndBuild_blankConfigSet_isAUsageError() {
        JcapTest.Result run = JcapTest.jcap("run", "--config-set", " ", "hello-pkg");
        JcapTest.Result build = JcapTest.jcap("build", "--config-set", "", temp.toString());

        for (JcapTest.Result r : new JcapTest.Result[] {run, build}) {
            assertEquals(2, r.code(), r.err());
            assertEquals("--config-set: name one of the image's configurations (jcap images --json lists them as"
                    + " configSets)", r.err().lines().findFirst().orElse(""));
        }
    }

    @Test
    void build_configSetForACapstanfileProject_isRefusedBeforeAnythingIsBuilt() throws Exception {
        Path project = Files.createDirectories(temp.resolve("plain"));
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /hello\n");

        JcapTest.Result r = JcapTest.jcap("build", "--config-set", "shout", project.toString());

        assertEquals(1, r.code());
        assertEquals("jcap: --config-set shout picks a named configuration of a Capstan package (meta/run.yaml), and "
                + project + " is built from its Capstanfile, which has none\n", r.err());
    }

    @Test
    void build_fsOtherThanOsvs_isAUsageError_andRofsOrZfsAreTaken() {
        JcapTest.Result r = JcapTest.jcap("build", "--fs", "ext4", temp.toString());

        assertEquals(2, r.code(), r.err());
        assertEquals("--fs: 'ext4' is not a file system of OSv images: use rofs or zfs",
                r.err().lines().findFirst().orElse(""));
        assertEquals("zfs", parsed(new BuildCommand(), "--fs", "zfs", "dir").fs);
        JcapTest.Result help = JcapTest.jcap("help", "build");
        assertTrue(help.out().contains("--fs=FS"), help.out());
    }

    private static <T> T parsed(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
