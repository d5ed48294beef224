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

/** The command line itself: output, exit codes and one-line errors. */
class JcapTest {
    @TempDir
    Path temp;

    record Result(int code, String out, String err) {
    }

    static Result jcap(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Jcap.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void version_printsTheBuildVersion() {
        Result r = jcap("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("jcap \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), r.out());
        assertEquals(r.out(), jcap("version").out());
    }

    @Test
    void kernels_wrongNames_areUsageErrors() {
        // Each refused before the kernel store is read.
        Result pull = jcap("kernels", "pull", "nosuch");
        assertEquals(2, pull.code(), pull.err());
        assertTrue(pull.err().contains("no kernel named 'nosuch' can be pulled"), pull.err());
        Result build = jcap("kernels", "build", "nosuch");
        assertEquals(2, build.code(), build.err());
        Result badName = jcap("kernels", "import", temp.resolve("vmlinuz").toString(), "--name", "Bad Name");
        assertEquals(2, badName.code(), badName.err());
        assertTrue(badName.err().contains("--name: 'Bad Name' is not a kernel name"), badName.err());
    }

    @Test
    void init_capstanfileThatIsADanglingLink_isRefusedAndItsTargetNotMade() throws Exception {
        Path project = java.nio.file.Files.createDirectories(temp.resolve("linked"));
        Path target = temp.resolve("outside.txt");
        java.nio.file.Files.createSymbolicLink(project.resolve("Capstanfile"), target);
        for (String[] args : new String[][] {{"init", project.toString()}, {"init", "--force", project.toString()}}) {
            Result r = jcap(args);
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains(project.resolve("Capstanfile") + " is a symbolic link: jcap init writes a file"
                    + " of its own there"), r.err());
            assertFalse(java.nio.file.Files.exists(target), "nothing written through the link");
        }
    }

    @Test
    void init_runtimeWithFrom_isAUsageError() {
        Result r = jcap("init", "--runtime", "java", "--from", "oci:layout:1", temp.resolve("p").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--runtime and --from do not go together"), r.err());
        assertFalse(java.nio.file.Files.exists(temp.resolve("p")), "nothing written");
    }

    @Test
    void help_documentsTheExitCodes() {
        Result r = jcap("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Exit codes:"), r.out());
        assertTrue(r.out().contains("3   environment (a missing tool or kernel, an unreachable service)"), r.out());
    }

    @Test
    void unknownOption_isAUsageErrorWithExitCode2() {
        Result r = jcap("build", "--nope");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("Unknown option: '--nope'"), r.err());
    }

    @Test
    void build_badName_isAUsageErrorNamingTheRule() {
        Result r = jcap("build", "--name", "UPPER", temp.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("image name 'UPPER' is not allowed"), r.err());
    }

    @Test
    void run_aFolderOrAPathForAReference_isAUsageError() throws Exception {
        Path project = Files.createDirectories(temp.resolve("hello"));
        Result folder = jcap("run", project.toString());
        assertEquals(2, folder.code(), folder.err());
        assertTrue(folder.err().startsWith("IMAGE '" + project + "' is a folder: jcap run takes an image's name (jcap"
                + " images lists them) or a registry reference; build the folder first with jcap build " + project + "\n"),
                folder.err());

        Result path = jcap("run", "../x/y");
        assertEquals(2, path.code(), path.err());
        assertTrue(path.err().startsWith("reference '../x/y' has registry '..': a host name or IP address, with :PORT"
                + " (1 to 65535) if needed\n"), path.err());
    }

    @Test
    void initValidateAndBuild_ofAFileForAFolder_sayItIsAFile() throws Exception {
        Path file = Files.writeString(temp.resolve("afile"), "x");
        Result init = jcap("init", file.toString());
        assertEquals(2, init.code(), init.err());
        assertEquals("jcap: " + file + " is a file: jcap init writes a Capstanfile into a folder (a new one is made)\n",
                init.err());
        Result validate = jcap("validate", file.toString());
        assertEquals(2, validate.code(), validate.err());
        assertEquals("jcap: " + file + " is a file: give the project folder that holds the Capstanfile\n", validate.err());
        Result build = jcap("build", file.toString());
        assertEquals(2, build.code(), build.err());
        assertEquals("jcap: project folder " + file + " is a file: give the folder that holds the Capstanfile\n",
                build.err());
        Path none = temp.resolve("none");
        Result validateNone = jcap("validate", none.toString());
        assertEquals(2, validateNone.code(), validateNone.err());
        assertEquals("jcap: project folder " + none + " does not exist\n", validateNone.err());
        Result buildNone = jcap("build", none.toString());
        assertEquals(2, buildNone.code(), buildNone.err());
        assertEquals("jcap: project folder " + none + " does not exist\n", buildNone.err());
    }

    @Test
    void push_withoutTarget_listsTheTargetsAndTheirOptions() {
        Result r = jcap("push");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Push targets (jcap push IMAGE TARGET [OPTIONS]):\n  aws        an AWS AMI from an EBS"
                + " snapshot"), r.out());
        assertTrue(r.out().contains("\n  azure      an Azure storage account"), r.out());
        assertTrue(r.out().contains("--boot-mode: legacy-bios, uefi or uefi-preferred"), r.out());
        assertTrue(r.out().contains("\n  gce        a Google Compute Engine image"), r.out());
        assertTrue(r.out().contains("\n  libvirt    a libvirt storage pool"), r.out());
        assertTrue(r.out().contains("--container: NAME: the blob container the VHD goes into"), r.out());
        assertTrue(r.out().contains("--resource-group: NAME: also make a managed image from the blob"), r.out());
        assertTrue(r.out().contains("--hyper-v-generation: V1|V2: V2 (UEFI) for images that boot under UEFI, else V1"), r.out());
        assertTrue(r.out().contains("\n  openstack  an OpenStack cloud's image service"), r.out());
        assertTrue(r.out().contains("--cloud: the cloud of clouds.yaml"), r.out());
        assertTrue(r.out().contains("--define: [DOMAIN]: also define a persistent domain"), r.out());
        assertTrue(r.out().contains("\n  registry   an OCI registry as a KubeVirt containerDisk: give REGISTRY/REPOSITORY[:TAG]"
                + " as TARGET\n"), r.out());
    }

    @Test
    void push_imageWithoutTarget_isAUsageErrorNamingTheTargets() {
        Result r = jcap("push", "hello");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("jcap push hello needs a TARGET: one of aws, azure, gce, libvirt, openstack,"
                + " REGISTRY/REPOSITORY[:TAG]\n"), r.err());
    }

    @Test
    void push_unknownTarget_saysWhichThereAreAndExits2() {
        Result r = jcap("push", "hello", "nowhere");
        assertEquals(2, r.code(), "a wrong command line");
        assertEquals("jcap: no push target 'nowhere': use one of aws, azure, gce, libvirt, openstack,"
                + " REGISTRY/REPOSITORY[:TAG]\n", r.err());
    }

    @Test
    void validate_badCapstanfile_printsEveryProblemWithThePathAndExits1() throws Exception {
        Path project = temp.resolve("bad");
        Files.createDirectories(project);
        Files.writeString(project.resolve("Capstanfile"), "cmdlin: /x\nsize: 12Q\n");
        Result r = jcap("validate", project.toString());
        assertEquals(1, r.code());
        String file = project.resolve("Capstanfile").toString();
        assertEquals(file + ":1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)\n"
                + file + ":1:1: unknown key 'cmdlin': did you mean 'cmdline'?\n"
                + file + ":2:7: size: '12Q' is not a size: use a whole number and a unit K, M, G or T"
                + " (1K = 1024 bytes), in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)\n", r.out());
        assertEquals("jcap: 3 problems in " + file + "\n", r.err());
    }

    /** A Capstanfile of a container image: validate reads no image, and says so rather than naming a runtime section. */
    @Test
    void validate_fromContainerImage_saysItsCommandIsTheImages() throws Exception {
        Path project = temp.resolve("from");
        Files.createDirectories(project);
        Files.writeString(project.resolve("Capstanfile"), "from: oci:../nonexistent\n");

        Result r = jcap("validate", project.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals(project.resolve("Capstanfile") + ": valid (runs the command of container image oci:../nonexistent,"
                + " which validate does not read (jcap init --from writes it out))\n", r.out());
    }

    /** Every problem at once: a missing host file beside a schema problem, a note only where a build command may make it. */
    @Test
    void validate_missingHostFileAndSchemaProblem_areReportedInOneRun() throws Exception {
        Path project = temp.resolve("once");
        Files.createDirectories(project);
        String file = project.resolve("Capstanfile").toString();
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /x\nsize: 12x\nfiles:\n  /app/x.bin: missing.bin\n");

        Result r = jcap("validate", project.toString());

        assertEquals(1, r.code(), r.err());
        assertEquals(file + ":2:7: size: '12x' is not a size: use a whole number and a unit K, M, G or T (1K = 1024"
                + " bytes), in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)\n"
                + file + ":4:15: files./app/x.bin: host file 'missing.bin' does not exist (resolved to "
                + project.resolve("missing.bin") + ")\n", r.out());

        Files.writeString(project.resolve("Capstanfile"), "build: make\ncmdline: /x\nsize: 12x\nfiles:\n"
                + "  /app/x.bin: missing.bin\n");
        Result built = jcap("validate", project.toString());
        assertEquals(1, built.code(), built.err());
        assertEquals(file + ": note: files./app/x.bin: host file 'missing.bin' does not exist yet (resolved to "
                + project.resolve("missing.bin") + "); the build command must make it\n"
                + file + ":3:7: size: '12x' is not a size: use a whole number and a unit K, M, G or T (1K = 1024"
                + " bytes), in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)\n", built.out());
    }

    @Test
    void validate_whatTheKernelFamilyRefuses_isPrintedAtItsLineAsTheBuildWould() throws Exception {
        Path project = temp.resolve("family");
        Files.createDirectories(project);
        Files.writeString(project.resolve("hello"), "#!/bin/sh\n");
        Files.writeString(project.resolve("Capstanfile"), "kernel: linux\ncmdline: hello 'world\nfs: zfs\nfiles:\n"
                + "  /boot/hello: hello\n  /app/hello: hello\n");
        Result r = jcap("validate", project.toString());
        assertEquals(1, r.code(), r.err());
        String file = project.resolve("Capstanfile").toString();
        assertEquals(file + ":2:10: cmdline: 'hello 'world' has an unclosed ' quote\n"
                + file + ":3:5: fs: fs zfs needs an OSv kernel, not kernel 'linux': set kernel: osv (see docs/osv.md) or"
                + " use ext4 or ext2 with the Linux kernel\n"
                + file + ":5:16: files./boot/hello: guest path /boot/hello is reserved by jcap (kernel, boot loader and"
                + " configuration live there): choose another path\n", r.out());
        assertEquals("jcap: 3 problems in " + file + "\n", r.err());

        Files.writeString(project.resolve("Capstanfile"), "cmdline: hello\n");
        Result relative = jcap("validate", project.toString());
        assertEquals(1, relative.code(), relative.err());
        assertTrue(relative.out().startsWith(file + ":1:10: cmdline: "), relative.out());

        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /hello\nenv:\n  A: ok\n  B: two words\n"
                + "  C: x;y\n");
        Result osv = jcap("validate", project.toString());
        assertEquals(1, osv.code(), osv.err());
        String rule = "OSv reads environment variables from its command line (--env=%s=...), which cannot carry spaces,"
                + " quotes, backslashes, ';' or '&': use a value without them\n";
        assertEquals(file + ":5:6: env.B: " + String.format(rule, "B") + file + ":6:6: env.C: " + String.format(rule, "C"),
                osv.out());

        // As the image stores it: --rootfs=rofs first (1029 bytes), which a count of cmdline alone missed.
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /hello " + "a".repeat(1008) + "\n");
        Result longLine = jcap("validate", project.toString());
        assertEquals(1, longLine.code(), longLine.err());
        assertEquals(file + ":2:10: cmdline: OSv's command line (--rootfs=rofs, cmdline) is 1029 bytes: OSv takes at most"
                + " 1023: shorten it\n", longLine.out());
    }

    @Test
    void validate_rpmBaseIsRefusedAtItsLine_baseBesideKernelIsANote() throws Exception {
        Path project = temp.resolve("capstan");
        Files.createDirectories(project);
        Files.writeString(project.resolve("hello"), "#!/bin/sh\n");
        String file = project.resolve("Capstanfile").toString();
        for (String kernel : new String[] {"linux", "osv"}) {
            // Complete, and with keys missing or unknown: the same refusal alone, not the keys first.
            for (String map : new String[] {"  name: ncurses\n  version: 5.9\n  release: 1\n  arch: x86_64\n",
                    "  name: ncurses\n  downloadurl: http://example.com/ncurses.rpm\n"}) {
                Files.writeString(project.resolve("Capstanfile"), "kernel: " + kernel + "\ncmdline: /hello\nfiles:\n"
                        + "  /hello: hello\nrpm-base:\n" + map);
                Result r = jcap("validate", project.toString());
                assertEquals(1, r.code(), r.err());
                assertEquals(file + ":6:3: rpm-base: installing an RPM package into the image is not supported: put the"
                        + " package's files in rootfs\n", r.out(), kernel + ", " + map);
            }
        }

        Files.writeString(project.resolve("Capstanfile"), "base: cloudius/osv-openjdk\nkernel: linux\ncmdline: >\n"
                + "  /hello start\nfiles:\n  /hello: hello\n");
        Result note = jcap("validate", project.toString());
        assertEquals(0, note.code(), note.err());
        assertEquals(file + ": note: base: cloudius/osv-openjdk is ignored: kernel: linux says what the image boots"
                + " (remove base, or kernel to build on the base's OSv loader)\n" + file + ": valid (runs /hello"
                + " start\\n)\n", note.out());
    }

    @Test
    void validate_goodCapstanfile_exits0() throws Exception {
        Path project = temp.resolve("good");
        Files.createDirectories(project);
        Files.writeString(project.resolve("hello"), "#!/bin/sh\n");
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /hello\nfiles:\n  /hello: \"&\"\n");
        Result r = jcap("validate", project.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(project.resolve("Capstanfile") + ": valid (runs /hello)\n", r.out());
    }

    @Test
    void init_native_writesACapstanfileThatValidatesOnceBuilt() throws Exception {
        Path project = temp.resolve("app");
        Result r = jcap("init", project.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(project.resolve("Capstanfile")).startsWith("# Capstanfile:"));
        Result v = jcap("validate", project.toString());
        assertEquals(0, v.code(), v.out() + v.err());
        Result again = jcap("init", project.toString());
        assertEquals(1, again.code());
        assertEquals("jcap: " + project.resolve("Capstanfile") + " already exists (use --force to overwrite it)\n",
                again.err());
    }

    @Test
    void init_unknownRuntime_isAUsageError() {
        Result r = jcap("init", "--runtime", "ruby", temp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'ruby' is not a runtime: use native or java"), r.err());
    }

    @Test
    void error_withStacktraceFlag_printsTheTrace() {
        Result r = jcap("push", "hello", "nowhere", "--stacktrace");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("at io.jcap.cli.PushCommand.call"), r.err());
    }

    @Test
    void everySubcommand_answersHelpWithItsUsageAndExitsZero() {
        for (String[] args : new String[][] {{"kernels", "pull", "--help"}, {"images", "ls", "-h"}, {"push", "--help"},
                {"run", "--help"}, {"rmi", "--help"}}) {
            Result r = jcap(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            String command = String.join(" ", java.util.Arrays.copyOf(args, args.length - 1));
            assertTrue(r.out().startsWith("Usage: jcap " + command + " ["), r.out());
            assertTrue(r.out().contains("  -h, --help "), r.out());
        }
    }

    /** {@code ls} and {@code list} name the same listing under {@code kernels} as under {@code volume}. */
    @Test
    void listingSubcommands_answerToLsAndList() {
        for (String group : new String[] {"kernels", "volume"}) {
            for (String name : new String[] {"ls", "list"}) {
                Result r = jcap(group, name, "--help");
                assertEquals(0, r.code(), group + " " + name + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: jcap " + group + " "), r.out());
                String named = group.equals("kernels") ? "list" : "ls";
                assertTrue(r.out().contains("Usage: jcap " + group + " " + named + " ["), r.out());
            }
        }
    }
}
