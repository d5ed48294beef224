package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ExitCode;
import io.jcap.model.GuestPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capstanfiles with mistakes: every problem is reported, in one run, at its line and column. */
class CapstanfileProblemsTest {
    private static final String NOT_A_SIZE = "is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)";

    @TempDir
    Path temp;
    ProjectDir project;

    @BeforeEach
    void setUp() {
        project = new ProjectDir(temp);
    }

    @Test
    void parse_unknownKey_suggestsClosestKey() throws Exception {
        project.capstanfile("base: cloudius/osv-base\ncmdline: /hello\nmemroy: 1G\n");

        assertEquals("Capstanfile:3:1: unknown key 'memroy': did you mean 'memory'?", project.problems());
    }

    @Test
    void parse_unknownKeyWithoutCloseMatch_listsKnownKeys() throws Exception {
        project.capstanfile("cmdline: /hello\nfoo: 1\n");

        assertEquals("Capstanfile:2:1: unknown key 'foo' (known keys: base, from, cmdline, build, files, rootfs, "
                + "rpm-base, kernel, fs, size, memory, cpus, ports, env, runtime)", project.problems());
    }

    @Test
    void parse_severalProblems_reportsAllSortedByLine() throws Exception {
        project.capstanfile("""
                cmdlin: /hello
                size: 12Q
                fs: xfs
                cpus: 0
                ports:
                  - 8080:80
                  - "70000:80"
                  - abc
                  - 8080
                env:
                  FOO-BAR: x
                  DEBUG: 1
                runtime:
                  java: {mian: Main}
                """);

        CapstanfileException e = assertThrows(CapstanfileException.class, project::parse);

        assertEquals("""
                Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)
                Capstanfile:1:1: unknown key 'cmdlin': did you mean 'cmdline'?
                Capstanfile:2:7: size: '12Q' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)
                Capstanfile:3:5: fs: 'xfs' is not a file system type: use ext4, ext2, zfs or rofs
                Capstanfile:4:7: cpus: 0 is not a number of CPUs from 1 to 64
                Capstanfile:7:5: ports[1]: host port 70000 is outside 1..65535
                Capstanfile:8:5: ports[2]: 'abc' is not a port mapping: HOST:GUEST or GUEST, optionally with /tcp or /udp (8080:80, 53/udp)
                Capstanfile:9:5: ports[3]: host port 8080/tcp is already forwarded by ports[0]
                Capstanfile:11:3: env: 'FOO-BAR' is not a variable name: letters, digits and _, not starting with a digit (JAVA_OPTS)
                Capstanfile:12:10: env.DEBUG: 1 is not a string: quote numbers and booleans (DEBUG: "1")
                Capstanfile:14:10: runtime.java: unknown key 'mian': did you mean 'main'?""", e.getMessage());
        assertEquals(11, e.problems().size());
        assertEquals(new Problem(Path.of("Capstanfile"), 7, 5, "ports[1]", "host port 70000 is outside 1..65535"),
                e.problems().get(5));
        assertEquals(temp.resolve("Capstanfile"), e.file());
        assertEquals(ExitCode.FAILURE, e.exitCode());
    }

    @Test
    void parse_wrongTypes_saysWhatIsExpected() throws Exception {
        project.capstanfile("""
                cmdline: [5]
                base: {}
                cpus: two
                ports: 80
                env: [A]
                build: {make: all}
                files: [hello]
                """);

        assertEquals("""
                Capstanfile:1:10: cmdline: [5] is a list, not a command line (/tools/hello.so): give one value
                Capstanfile:2:7: base: {} is a map, not an image name (cloudius/osv-openjdk): give one value
                Capstanfile:3:7: cpus: 'two' is not a number of CPUs from 1 to 64
                Capstanfile:4:8: ports: 80 is not a list of port mappings (- 8080:80)
                Capstanfile:5:6: env: ["A"] is not a map of variable name to value (DEBUG: "1")
                Capstanfile:6:8: build: {"make":"all"} is not a command (mvn package) or a list of its words ([mvn, package])
                Capstanfile:7:8: files: ["hello"] is not a map of guest path to host path (/app/hello: hello)""",
                project.problems());
    }

    @Test
    void parse_yamlBooleanWhereStringExpected_quotesValueAsWritten() throws Exception {
        project.capstanfile("cmdline: /hello\nenv:\n  VERBOSE: yes\n");

        assertEquals("Capstanfile:3:12: env.VERBOSE: yes is not a string: quote numbers and booleans (DEBUG: \"1\")",
                project.problems());
    }

    /** YAML 1.1's .nan and .inf are floats: said as written, not as a syntax error. */
    @Test
    void parse_yamlNanOrInfWhereStringExpected_quotesValueAsWritten() throws Exception {
        project.capstanfile("cmdline: /hello\nenv:\n  A: .nan\n  B: -.Inf\n");

        assertEquals("""
                Capstanfile:3:6: env.A: .nan is not a string: quote numbers and booleans (DEBUG: "1")
                Capstanfile:4:6: env.B: -.Inf is not a string: quote numbers and booleans (DEBUG: "1")""",
                project.problems());
    }

    @Test
    void parse_badSizes_nameTheSyntax() throws Exception {
        project.capstanfile("cmdline: /hello\nsize: 1P\nmemory: 512\n");

        assertEquals("""
                Capstanfile:2:7: size: '1P' %s
                Capstanfile:3:9: memory: 512 %s""".formatted(NOT_A_SIZE, NOT_A_SIZE), project.problems());
    }

    @Test
    void parse_sizeTooLarge_isReported() throws Exception {
        project.capstanfile("cmdline: /hello\nsize: 99999999999999999G\n");

        assertEquals("Capstanfile:2:7: size: '99999999999999999G' is too large a size", project.problems());
    }

    @Test
    void parse_badPorts_areReportedPerItem() throws Exception {
        project.capstanfile("cmdline: /hello\nports:\n  - 0\n  - 80:http\n  - 8080:99999\n  - 53/sctp\n  - 99999\n");

        assertEquals("""
                Capstanfile:3:5: ports[0]: port 0 is outside 1..65535
                Capstanfile:4:5: ports[1]: '80:http' is not a port mapping: HOST:GUEST or GUEST, optionally with /tcp or /udp (8080:80, 53/udp)
                Capstanfile:5:5: ports[2]: guest port 99999 is outside 1..65535
                Capstanfile:6:5: ports[3]: '53/sctp' is not a port mapping: HOST:GUEST or GUEST, optionally with /tcp or /udp (8080:80, 53/udp)
                Capstanfile:7:5: ports[4]: port 99999 is outside 1..65535""",
                project.problems());
    }

    /** A list, a map or nothing where one value goes: not told to quote it. */
    @Test
    void parse_containerOrEmptyWhereOneValueGoes_saysSo() throws Exception {
        project.capstanfile("cmdline: /hello\ncpus: [2]\nmemory: {a: 1}\n"
                + "env:\n  A: [1, 2]\n  B: {x: 1}\n  C:\n  D: 5\n");

        assertEquals("""
                Capstanfile:2:7: cpus: [2] is a list, not a number of CPUs from 1 to 64: give one value
                Capstanfile:3:9: memory: {"a":1} is a map, not a size: give one value
                Capstanfile:5:6: env.A: [1,2] is a list, not a string: give one value
                Capstanfile:6:6: env.B: {"x":1} is a map, not a string: give one value
                Capstanfile:7:5: env.C: an empty value is not a string: write "" for an empty one
                Capstanfile:8:6: env.D: 5 is not a string: quote numbers and booleans (DEBUG: "1")""",
                project.problems());
    }

    @Test
    void parse_guestPathsEscapingOrRelative_areReportedAtTheKey() throws Exception {
        project.file("a", "a").capstanfile("""
                cmdline: /hello
                files:
                  /../x: a
                  /app/../../y: a
                  app/z: a
                  /ok: a
                  /ok/./: a
                """);

        assertEquals("""
                Capstanfile:3:3: files: guest path '/../x' escapes the image root
                Capstanfile:4:3: files: guest path '/app/../../y' escapes the image root
                Capstanfile:5:3: files: 'app/z' is not an absolute guest path (/app/hello)
                Capstanfile:7:3: files: guest path '/ok/./' is the same as '/ok' (line 6)""", project.problems());
    }

    @Test
    void parse_filesEntryInsideOrHoldingAnother_isReportedAtTheLaterKey() throws Exception {
        project.file("a", "a").capstanfile("""
                cmdline: /hello
                files:
                  /data/./f: a
                  /data/: a
                  /app: a
                  /app/x/y: a
                  /side/a: a
                  /side/b: a
                """);

        assertEquals("""
                Capstanfile:4:3: files: guest path '/data/' holds '/data/f' (line 3), and each files entry is a file: put them side by side, or merge a folder with rootfs
                Capstanfile:6:3: files: guest path '/app/x/y' is inside '/app' (line 5), and each files entry is a file: put them side by side, or merge a folder with rootfs""",
                project.problems());
    }

    @Test
    void parse_hostFileADanglingLink_saysWhereItLeads() throws Exception {
        project.capstanfile("cmdline: /hello\nfiles:\n  /app/x: dangling\n");
        java.nio.file.Files.createSymbolicLink(project.dir.resolve("dangling"), Path.of("gone.bin"));

        assertEquals("Capstanfile:3:11: files./app/x: host file 'dangling' does not exist (resolved to "
                + project.dir.resolve("dangling") + ", a symbolic link to 'gone.bin' that leads nowhere)",
                project.problems());
    }

    @Test
    void parse_hostPathLeavingProject_isRefused() throws Exception {
        project.capstanfile("cmdline: /hello\nfiles:\n  /secret: ../secret\n  /other: sub/../../x\n");

        assertEquals("Capstanfile:3:12: files./secret: host path '../secret' leaves the project folder " + temp
                + ": use a path inside it, or an absolute path\n"
                + "Capstanfile:4:11: files./other: host path 'sub/../../x' leaves the project folder " + temp
                + ": use a path inside it, or an absolute path", project.problems());
    }

    @Test
    void parse_relativeHostPathLeavingTheProjectThroughALink_isRefused() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Path dir = Files.createDirectories(temp.resolve("project"));
        Files.createSymbolicLink(dir.resolve("link"), outside.resolve("secret"));
        Files.createSymbolicLink(dir.resolve("etc"), outside);
        Files.createSymbolicLink(dir.resolve("root"), outside);
        Files.writeString(dir.resolve("inside"), "i");
        Files.createSymbolicLink(dir.resolve("fine"), Path.of("inside"));
        ProjectDir inner = new ProjectDir(dir);
        inner.capstanfile("cmdline: /hello\nrootfs: root\nfiles:\n  /a: link\n  /b: etc/secret\n  /c: fine\n");

        assertEquals("Capstanfile:2:9: rootfs: host path 'root' leads out of the project folder " + dir
                + " through a symbolic link (to " + outside.toRealPath() + "): name the file by its absolute path if it"
                + " is meant\n"
                + "Capstanfile:4:7: files./a: host path 'link' leads out of the project folder " + dir + " through a"
                + " symbolic link (to " + outside.resolve("secret").toRealPath() + "): name the file by its absolute"
                + " path if it is meant\n"
                + "Capstanfile:5:7: files./b: host path 'etc/secret' leads out of the project folder " + dir + " through"
                + " a symbolic link (to " + outside.resolve("secret").toRealPath() + "): name the file by its absolute"
                + " path if it is meant", inner.problems());

        inner.capstanfile("cmdline: /hello\nfiles:\n  /a: " + dir.resolve("link") + "\n  /c: fine\n");
        assertEquals(Map.of(GuestPath.of("/a"), dir.resolve("link"), GuestPath.of("/c"), dir.resolve("fine")),
                inner.parse().files(), "an absolute path may lead anywhere; a link inside the project is fine");
    }

    /** The rule of a folder named: the ROOTFS folder Capstan uses by default was accepted as a link out. */
    @Test
    void parse_defaultRootfsLeavingTheProjectThroughALink_isRefused() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path dir = Files.createDirectories(temp.resolve("project"));
        Files.createSymbolicLink(dir.resolve("ROOTFS"), outside);
        ProjectDir inner = new ProjectDir(dir);
        inner.capstanfile("cmdline: /hello\n");

        assertEquals("Capstanfile:1:1: rootfs: host path 'ROOTFS' leads out of the project folder " + dir
                + " through a symbolic link (to " + outside.toRealPath() + "): name the file by its absolute path if it"
                + " is meant", inner.problems());

        Files.delete(dir.resolve("ROOTFS"));
        Files.createDirectories(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("ROOTFS"), Path.of("real"));
        assertEquals(Optional.of(dir.resolve("ROOTFS")), inner.parse().rootfs(), "a link inside the project is fine");
    }

    /** A ROOTFS that is a file or a dangling link was left out of the image without a word. */
    @Test
    void parse_defaultRootfsThatIsAFileOrADanglingLink_isRefused() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("project"));
        ProjectDir inner = new ProjectDir(dir);
        inner.capstanfile("cmdline: /hello\n");
        Files.createSymbolicLink(dir.resolve("ROOTFS"), Path.of("build/rootfs"));

        assertEquals("Capstanfile:1:1: rootfs: 'ROOTFS' in the project folder is a symbolic link to build/rootfs, which"
                + " does not exist: the folder of that name is merged into the image's root (as Capstan does); make it a"
                + " folder, or rename it", inner.problems());

        Files.delete(dir.resolve("ROOTFS"));
        Files.writeString(dir.resolve("ROOTFS"), "x");
        assertEquals("Capstanfile:1:1: rootfs: 'ROOTFS' in the project folder is a file, not a folder: the folder of"
                + " that name is merged into the image's root (as Capstan does); make it a folder, or rename it",
                inner.problems());
    }

    /** proc files say they are empty: a rootfs there made an image of empty files. */
    @Test
    void parse_rootfsInProcOrSys_isRefused() throws Exception {
        project.capstanfile("cmdline: /hello\nrootfs: /proc/sys/kernel/random\n");
        assertEquals("Capstanfile:2:9: rootfs: host path '/proc/sys/kernel/random' is a folder of the kernel's proc,"
                + " whose files' sizes are not their contents: copy them to a folder first", project.problems());

        project.capstanfile("cmdline: /hello\nrootfs: /sys\n");
        assertEquals("Capstanfile:2:9: rootfs: host path '/sys' is a folder of the kernel's sys, whose files' sizes are"
                + " not their contents: copy them to a folder first", project.problems());
    }

    @Test
    void parse_hostPathThatIsNotARegularFile_isRefused() throws Exception {
        Files.createDirectories(temp.resolve("folder"));
        Path fifo = temp.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        project.capstanfile("cmdline: /hello\nfiles:\n  /a: /dev/zero\n  /b: fifo\n  /c: folder\n"
                + "  /d: /proc/version\n");

        assertEquals("Capstanfile:3:7: files./a: host path '/dev/zero' is not a regular file (resolved to /dev/zero):"
                + " jcap copies files, not devices, FIFOs or sockets\n"
                + "Capstanfile:4:7: files./b: host path 'fifo' is not a regular file (resolved to " + fifo + "): jcap"
                + " copies files, not devices, FIFOs or sockets\n"
                + "Capstanfile:5:7: files./c: host path 'folder' is a folder (resolved to " + temp.resolve("folder")
                + "): list its files, or merge a folder with rootfs\n"
                + "Capstanfile:6:7: files./d: host path '/proc/version' is a file of the kernel's proc, whose size is"
                + " not its content: copy it to a file first", project.problems());
    }

    @Test
    void parse_fileAtTheImageRoot_isRefused() throws Exception {
        Files.writeString(temp.resolve("app.bin"), "x");
        project.capstanfile("cmdline: /hello\nfiles:\n  /: app.bin\n");

        assertEquals("Capstanfile:3:3: files: guest path '/' is the image root, which is a folder: name a file inside"
                + " it (e.g. /app/app.bin), or merge a folder with rootfs", project.problems());
    }

    @Test
    void parse_absoluteHostPath_isAllowed() throws Exception {
        Path outside = Files.writeString(Files.createDirectories(temp.resolve("elsewhere")).resolve("tool"), "x");
        ProjectDir inner = new ProjectDir(Files.createDirectories(temp.resolve("project")));
        inner.capstanfile("cmdline: /tool\nfiles:\n  /tool: " + outside + "\n");

        assertEquals(Map.of(GuestPath.of("/tool"), outside), inner.parse().files());
    }

    @Test
    void parse_missingHostFile_namesKeyAndResolvedPath() throws Exception {
        project.capstanfile("cmdline: /hello\nfiles:\n  /app/x.bin: missing.bin\n  /app/y.jar: target/&\n");

        assertEquals("Capstanfile:3:15: files./app/x.bin: host file 'missing.bin' does not exist (resolved to "
                + temp.resolve("missing.bin") + ")\n"
                + "Capstanfile:4:15: files./app/y.jar: host file 'target/y.jar' does not exist (resolved to "
                + temp.resolve("target/y.jar") + ")", project.problems());
    }

    @Test
    void parse_rootfsMissingOrAFile_isReported() throws Exception {
        project.capstanfile("cmdline: /hello\nrootfs: nope\n");
        assertEquals("Capstanfile:2:9: rootfs: folder 'nope' does not exist (resolved to " + temp.resolve("nope") + ")",
                project.problems());

        project.capstanfile("cmdline: /hello\nrootfs: Capstanfile\n");
        assertEquals("Capstanfile:2:9: rootfs: 'Capstanfile' is a file, not a folder (resolved to "
                + temp.resolve("Capstanfile") + ")", project.problems());
    }

    @Test
    void parse_missingCmdline_reportsLineAndKey() throws Exception {
        project.capstanfile("base: cloudius/osv-base\n");

        assertEquals("Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)",
                project.problems());
    }

    @Test
    void parse_missingCmdlineWithNativeOrJavaWithoutMain_isReported() throws Exception {
        project.capstanfile("runtime: native\n");
        assertEquals("Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)",
                project.problems());

        project.capstanfile("runtime:\n  java:\n    classpath: [/app]\n");
        assertEquals("Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)",
                project.problems());
    }

    @Test
    void parse_missingCmdlineWithJavaMainOrJar_isAccepted() throws Exception {
        project.capstanfile("runtime:\n  java:\n    main: com.example.Main\n    classpath: [/app]\n");
        assertEquals(List.of(), project.parse().build());

        project.capstanfile("runtime: {java: {jar: /app/app.jar}}\n");
        assertEquals(java.util.Optional.empty(), project.parse().cmdline());
    }

    @Test
    void parse_badRuntime_saysWhatIsAccepted() throws Exception {
        project.capstanfile("cmdline: /hello\nruntime: jvm\n");
        assertEquals("Capstanfile:2:10: runtime: 'jvm' is not a runtime: native, or one of the maps native: {} and "
                + "java: {...}", project.problems());

        project.capstanfile("cmdline: /hello\nruntime: {java: {main: 1Main, jar: /../x.jar}}\n");
        assertEquals("""
                Capstanfile:2:24: runtime.java.main: '1Main' is not a Java class name (com.example.Main)
                Capstanfile:2:36: runtime.java.jar: guest path '/../x.jar' escapes the image root""", project.problems());
    }

    /**
     * rpm-base is refused whatever it holds (by the kernel family, JcapTest): its keys are not asked
     * for first, which would have the user complete what is refused next.
     */
    @Test
    void parse_rpmBaseMapMissingOrUnknownKeys_isReadWithoutProblems_butNotAListOrANumber() throws Exception {
        project.capstanfile("cmdline: /hello\nrpm-base:\n  name: ncurses\n  filename: x.rpm\n");
        assertEquals(java.util.Optional.of("ncurses--."), project.parse().rpmBase(), "read, to be refused");

        project.capstanfile("cmdline: /hello\nrpm-base: [ncurses]\n");
        assertEquals("Capstanfile:2:11: rpm-base: [\"ncurses\"] is not an RPM package: a file name or name, version, release"
                + " and arch", project.problems());
    }

    @Test
    void parse_buildWithShellSyntax_suggestsShellList() throws Exception {
        project.capstanfile("cmdline: /hello\nbuild: make && strip hello\n");

        assertEquals("Capstanfile:2:8: build: 'make && strip hello' uses shell syntax (&&) but runs without a shell: "
                + "write build: [sh, -c, \"make && strip hello\"]", project.problems());
    }

    @Test
    void parse_yamlSyntaxError_reportsLineAndColumn() throws Exception {
        project.capstanfile("cmdline: /hello\nfiles:\n  /a: a\n   /b: b\n");

        assertEquals("Capstanfile:4:6: YAML syntax error: mapping values are not allowed here", project.problems());
    }

    @Test
    void parse_listAsKey_saysKeysArePlainText() throws Exception {
        project.capstanfile("? [a]\n: 1\n");

        assertEquals("Capstanfile:1:4: YAML syntax error: keys must be plain text, not lists or maps", project.problems());
    }

    @Test
    void parse_unquotedAmpersand_explainsQuoting() throws Exception {
        project.capstanfile("cmdline: /hello\nfiles:\n  /app/hello: &\n");

        assertEquals("Capstanfile:3:15: YAML syntax error: '&' starts a YAML anchor; write \"&\" in quotes",
                project.problems());
    }

    @Test
    void parse_emptyFile_asksForCmdline() throws Exception {
        project.capstanfile("");
        assertEquals("Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)",
                project.problems());

        project.capstanfile("# nothing yet\n");
        assertEquals("Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)",
                project.problems());
    }

    @Test
    void parse_notAMap_saysSo() throws Exception {
        project.capstanfile("- cmdline: /hello\n");

        assertEquals("Capstanfile:1:1: [{\"cmdline\":\"/hello\"}] is not a map of Capstanfile keys (cmdline: /hello)",
                project.problems());
    }

    @Test
    void parse_duplicateKeyAliasAndSecondDocument_areReported() throws Exception {
        project.capstanfile("base: &b cloudius/osv-base\ncmdline: /a\ncmdline: /b\nkernel: *b\n---\ncmdline: /c\n");

        assertEquals("""
                Capstanfile:3:1: duplicate key 'cmdline' (first at line 2)
                Capstanfile:4:9: kernel: YAML aliases (*b) are not supported; write the value out
                Capstanfile:6:1: a Capstanfile holds one YAML document; remove the second one (after ---)""",
                project.problems());
    }

    @Test
    void parse_noCapstanfile_saysWhereToWriteOne() {
        assertEquals("Capstanfile: not found: write one in " + temp + " ('jcap init " + temp + "' writes a commented one;"
                + " keys in docs/capstanfile.md)", project.problems());
    }

    @Test
    void parseBeforeBuild_missingHostFiles_areAllowedButOtherProblemsAreNot() throws Exception {
        project.capstanfile("build: make\ncmdline: /app/hello\nfiles:\n  /app/hello: out/&\n  /../x: y\nrootfs: gen\n");

        CapstanfileException e = assertThrows(CapstanfileException.class,
                () -> CapstanfileParser.beforeBuild().parse(project.dir));
        assertEquals("Capstanfile:5:3: files: guest path '/../x' escapes the image root", e.getMessage());

        project.capstanfile("build: make\ncmdline: /app/hello\nfiles:\n  /app/hello: out/&\nrootfs: gen\n");
        Capstanfile ok = CapstanfileParser.beforeBuild().parse(project.dir);
        assertEquals(List.of("make"), ok.build());
        assertEquals(Map.of(GuestPath.of("/app/hello"), project.dir.resolve("out/hello")), ok.files());
        assertEquals(java.util.Optional.of(project.dir.resolve("gen")), ok.rootfs());
    }
}
