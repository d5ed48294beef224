package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.OsvSamples;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileException;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.kernels.KernelStore;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.testsupport.CapstanRepositories;
import io.jcap.testsupport.RecordedEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Capstan package requiring packages of Capstan's local repository (written as Capstan's
 * import leaves them): the order their files go in, the configurations the image gets, base and
 * the runtimes resolved through them, and what a missing or circular package says.
 */
class CapstanRepositoryTest {
    @TempDir
    Path temp;
    private Path repo;
    private Path project;
    private KernelStore store;
    private final RecordedEvents events = new RecordedEvents();

    @BeforeEach
    void setUp() throws Exception {
        repo = temp.resolve("capstan");
        project = temp.resolve("app");
        store = new KernelStore(OsvSamples.homeWithLoader(temp.resolve("home"), "osv").kernels());
    }

    private void write(String path, String text) throws Exception {
        Path file = project.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private OsvInputs inputs() throws Exception {
        Capstanfile c = new CapstanfileParser().parse(project);
        return OsvInputs.of(c, store, new CapstanRepository(repo, temp.resolve("cache")), events);
    }

    private static String content(OsvInputs inputs, String path) throws Exception {
        ImageEntry.RegularFile f = (ImageEntry.RegularFile) inputs.tree().get(GuestPath.of(path));
        try (var in = f.content().open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void build_requiredPackages_dependenciesFirst_thePackagesOwnFilesWin_everyConfigurationKept() throws Exception {
        CapstanRepositories.pkg("com.example.base").file("etc/who", "base\n").file("etc/base-only", "b\n")
                .runYaml("runtime: native\nconfig_set:\n  shell:\n    bootcmd: /bin/shell.so\n").writeTo(repo);
        CapstanRepositories.pkg("com.example.httpd").requires("osv.bootstrap", "com.example.base")
                .file("etc/who", "httpd\n").file("lib/httpd.so", "ELF".getBytes(StandardCharsets.UTF_8), 0755)
                .runYaml("""
                        runtime: native
                        config_set:
                          httpserver:
                            bootcmd: /lib/httpd.so --port $PORT
                            env:
                              PORT: "8000"
                              ROOT: /srv
                        """).writeTo(repo);
        write("meta/package.yaml", "name: com.example.app\nrequire:\n  - osv.bootstrap\n  - com.example.httpd\n");
        write("meta/run.yaml", """
                runtime: native
                config_set:
                  app:
                    base: com.example.httpd:httpserver
                    env:
                      PORT: "9090"
                  shell:
                    bootcmd: /bin/my-shell.so
                config_set_default: app
                """);
        write("etc/who", "app\n");

        OsvInputs inputs = inputs();

        assertEquals("app\n", content(inputs, "/etc/who"), "the package's own file wins");
        assertEquals("b\n", content(inputs, "/etc/base-only"));
        assertEquals(0755, inputs.tree().get(GuestPath.of("/lib/httpd.so")).mode());
        assertFalse(inputs.tree().contains(GuestPath.of("/meta")), "no package's meta/ goes into the image");
        // base runs the other package's command with both's variables, the deriving configuration's first.
        assertEquals("--env=PORT=9090 --env=ROOT=/srv /lib/httpd.so --port $PORT", inputs.cmdline());
        assertEquals(Map.of(
                "app", "--env=PORT=9090 --env=ROOT=/srv /lib/httpd.so --port $PORT",
                "httpserver", "--env=PORT=8000 --env=ROOT=/srv /lib/httpd.so --port $PORT",
                "shell", "/bin/my-shell.so"), inputs.configSets().orElseThrow().cmdlines(),
                "the required packages' configurations too; the package's own shell over the base's");
        assertEquals(List.of("INFO Reading Capstan package com.example.httpd from "
                        + repo.resolve("packages/com.example.httpd.mpm"),
                "INFO Reading Capstan package com.example.base from " + repo.resolve("packages/com.example.base.mpm")),
                events.lines().stream().filter(m -> m.startsWith("INFO Reading")).toList());
    }

    @Test
    void resolve_aPackageRequiredTwice_goesInAtItsLastPlace_asCapstansExtractionLeavesIt() throws Exception {
        CapstanRepositories.pkg("lib").file("etc/who", "lib\n").writeTo(repo);
        CapstanRepositories.pkg("tool").requires("lib").file("etc/who", "tool\n").writeTo(repo);
        // tool's files over lib's, then lib again: Capstan extracts lib, tool, lib.
        write("meta/package.yaml", "name: app\nrequire: [tool, lib]\n");
        write("meta/run.yaml", "runtime: native\nbootcmd: /x\n");

        OsvInputs inputs = inputs();

        assertEquals("lib\n", content(inputs, "/etc/who"));
        List<String> order = new CapstanRepository(repo, temp.resolve("cache")).resolve(new CapstanfileParser()
                .parse(project).capstanPackage().orElseThrow(), project, events).stream()
                .map(CapstanRepository.Package::name).toList();
        assertEquals(List.of("tool", "lib"), order);
    }

    @Test
    void aRequiredPackagesUnknownKeys_areWarnings_sinceCapstanIgnoresThemAndItsUserCannotFixThem() throws Exception {
        CapstanRepositories.pkg("lib").runYaml("runtime: native\ndescription: a library\nconfig_set:\n  serve:\n"
                + "    bootcmd: /serve.so\n    comment: old\n").writeTo(repo);
        write("meta/package.yaml", "name: app\nrequire: [lib]\n");
        write("meta/run.yaml", "runtime: native\nconfig_set:\n  app:\n    base: lib:serve\n");

        OsvInputs inputs = inputs();

        assertEquals("/serve.so", inputs.cmdline());
        String run = repo.resolve("packages/lib.mpm") + ":meta/run.yaml";
        assertEquals(List.of(
                "WARN " + run + ":2:1: unknown key 'description' ignored, as Capstan ignores it",
                "WARN " + run + ":6:5: config_set.serve: unknown key 'comment' ignored, as Capstan ignores it"),
                events.lines().stream().filter(l -> l.startsWith("WARN " + run)).toList());
    }

    @Test
    void aRequiredPackagesConfigurationOsvCannotCarry_isLeftOut_unlessThePackageRunsIt() throws Exception {
        CapstanRepositories.pkg("lib").runYaml("runtime: native\nconfig_set:\n  serve:\n    bootcmd: /serve.so\n"
                + "  tune:\n    bootcmd: /tune.so\n    env:\n      OPTS: -a -b\n").writeTo(repo);
        write("meta/package.yaml", "name: app\nrequire: [lib]\n");
        write("meta/run.yaml", "runtime: native\nconfig_set:\n  app:\n    base: lib:serve\nconfig_set_default: app\n");

        OsvInputs inputs = inputs();

        assertEquals(List.of("app", "serve"), List.copyOf(inputs.configSets().orElseThrow().cmdlines().keySet()));
        String env = repo.resolve("packages/lib.mpm") + ":meta/run.yaml: config_set.tune.env.OPTS";
        assertTrue(events.lines().contains("WARN configuration tune of Capstan package lib is left out of the image's"
                + " configurations: " + env + ": OSv reads environment variables from its command line (--env=OPTS=...),"
                + " which cannot carry spaces, quotes, backslashes, ';' or '&': use a value without them"),
                events.lines().toString());

        write("meta/run.yaml", "runtime: native\nconfig_set:\n  app:\n    base: lib:tune\nconfig_set_default: app\n");
        JcapException e = assertThrows(JcapException.class, this::inputs);
        assertTrue(e.getMessage().startsWith(env + ": OSv reads environment variables"), e.getMessage());
    }

    @Test
    void runtimeJava_runsTheJvmPackagesConfiguration_withCapstansVariables() throws Exception {
        CapstanRepositories.pkg("openjdk8-zulu-compact1").file("usr/lib/jvm/java.so", "ELF".getBytes(StandardCharsets.UTF_8), 0755)
                .symlink("java.so", "usr/lib/jvm/java.so")
                .runYaml("""
                        runtime: native
                        config_set:
                          java:
                            bootcmd: /java.so -Xms$XMS -Xmx$XMX -cp $CLASSPATH $JVM_ARGS $MAIN $ARGS
                            env:
                              XMS: 64m
                              XMX: 256m
                        """).writeTo(repo);
        write("meta/run.yaml", "runtime: java\nmain: /app.jar\nxmx: 512m\nargs: [--fast]\n");

        OsvInputs inputs = inputs();

        assertEquals("--env=ARGS=--fast --env=CLASSPATH=/ --env=JVM_ARGS=-jar --env=MAIN=/app.jar --env=XMS=64m"
                + " --env=XMX=512m /java.so -Xms$XMS -Xmx$XMX -cp $CLASSPATH $JVM_ARGS $MAIN $ARGS", inputs.cmdline());
        assertTrue(inputs.tree().get(GuestPath.of("/java.so")) instanceof ImageEntry.Symlink);
    }

    /**
     * The shape of the Java package of Capstan's package recipes (a {@code java} configuration
     * whose variables default the JVM's settings, {@code ARGS} left empty) and of its demo, which
     * names it in {@code base} and sets its own class path and main class.
     */
    @Test
    void base_theRecipesJavaPackage_theDemosVariablesFirst_anEmptyOneKept() throws Exception {
        CapstanRepositories.pkg("openjdk8-zulu-compact1").runYaml("""
                runtime: native
                config_set:
                  java:
                    bootcmd: /java.so -Xms$XMS -Xmx$XMX -cp $CLASSPATH $JVM_ARGS $MAIN $ARGS
                    env:
                      XMS: 512m
                      XMX: 512m
                      CLASSPATH: /
                      JVM_ARGS: -Duser.dir=/
                      MAIN: main.Hello
                      ARGS:
                """).writeTo(repo);
        write("meta/package.yaml", "name: demo\ntitle: demo\nversion: \"0.1\"\nrequire:\n  - openjdk8-zulu-compact1\n");
        write("meta/run.yaml", "runtime: native\nconfig_set:\n  burek:\n    base: \"openjdk8-zulu-compact1:java\"\n"
                + "    env:\n      CLASSPATH: /src\n      MAIN: package1.Main\nconfig_set_default: burek\n");

        OsvInputs inputs = inputs();

        assertEquals("--env=ARGS= --env=CLASSPATH=/src --env=JVM_ARGS=-Duser.dir=/ --env=MAIN=package1.Main"
                + " --env=XMS=512m --env=XMX=512m /java.so -Xms$XMS -Xmx$XMX -cp $CLASSPATH $JVM_ARGS $MAIN $ARGS",
                inputs.cmdline());
    }

    @Test
    void missingPackages_areErrorsAtTheLinesThatAskForThem() throws Exception {
        write("meta/package.yaml", "name: app\nrequire:\n  - osv.bootstrap\n  - osv.httpserver-api\n");
        write("meta/run.yaml", "runtime: node\nmain: /server.js\n");

        CapstanfileException e = assertThrows(CapstanfileException.class, this::inputs);

        String packages = repo.resolve("packages").toString();
        assertEquals(("meta/run.yaml:1:10: runtime: the runtime's package node-4.4.5 is not in the Capstan repository %1$s"
                + " (no node-4.4.5.mpm): pull it there with 'capstan package pull node-4.4.5' (jcap reads Capstan's"
                + " repository, it does not download), set CAPSTAN_ROOT to the repository that has it, or copy a runtime"
                + " built for OSv into this folder and use runtime: native with a bootcmd that starts it\n"
                + "meta/package.yaml:4:5: require[1]: package osv.httpserver-api is not in the Capstan repository %1$s"
                + " (no osv.httpserver-api.mpm): pull it there with 'capstan package pull osv.httpserver-api' (jcap reads"
                + " Capstan's repository, it does not download), set CAPSTAN_ROOT to the repository that has it, or copy"
                + " its files into this folder and remove it from require").formatted(packages), e.getMessage());
        assertEquals(project.resolve("meta"), e.file());
    }

    @Test
    void aPackagePuttingAFileUnderAnotherPackagesLink_isRefusedNamingThePackage() throws Exception {
        CapstanRepositories.pkg("links").symlink("lib", "/usr/lib").writeTo(repo);
        // An archive without the file's folder entry: the file would land under the link.
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(
                repo.resolve("packages/files.mpm")))) {
            TarArchiveEntry file = new TarArchiveEntry("/lib/a.so", true);
            file.setSize(3);
            tar.putArchiveEntry(file);
            tar.write("ELF".getBytes(StandardCharsets.UTF_8));
            tar.closeArchiveEntry();
        }
        Files.writeString(repo.resolve("packages/files.yaml"), "name: files\nrequire: [links]\n");
        write("meta/package.yaml", "name: app\nrequire: [files]\n");
        write("meta/run.yaml", "runtime: native\nbootcmd: /x\n");

        JcapException e = assertThrows(JcapException.class, this::inputs);

        assertEquals("Capstan package files (" + repo.resolve("packages/files.mpm") + "): cannot place /lib/a.so inside"
                + " /lib, which is a symbolic link, not a folder", e.getMessage());
    }

    @Test
    void circularRequirementsAndBrokenBases_sayWhere() throws Exception {
        CapstanRepositories.pkg("a").requires("b").writeTo(repo);
        CapstanRepositories.pkg("b").requires("a").writeTo(repo);
        write("meta/package.yaml", "name: app\nrequire: [a]\n");
        write("meta/run.yaml", "runtime: native\nbootcmd: /x\n");
        JcapException e = assertThrows(JcapException.class, this::inputs);
        assertEquals("Capstan packages require each other in a circle: a requires b requires a (in "
                + repo.resolve("packages") + ")", e.getMessage());

        CapstanRepositories.pkg("a").runYaml("runtime: native\nconfig_set:\n  one:\n    base: app:loop\n").writeTo(repo);
        write("meta/run.yaml", "runtime: native\nconfig_set:\n  loop:\n    base: a:one\n  main:\n    base: a:two\n"
                + "  far:\n    base: c:x\nconfig_set_default: main\n");
        e = assertThrows(JcapException.class, this::inputs);
        assertEquals("meta/run.yaml: config_set.far: base c:x names package c, which is not among the packages this"
                + " image holds (a, app): add it to require in meta/package.yaml", e.getMessage().replace(project + "/", ""));

        write("meta/run.yaml", "runtime: native\nbase: osv.bootstrap:sleep\n");
        e = assertThrows(JcapException.class, this::inputs);
        assertEquals("meta/run.yaml: base osv.bootstrap:sleep names a configuration of osv.bootstrap, which jcap does"
                + " not read from Capstan's repository (OSv's own files come from the loader the image starts from):"
                + " write its command in bootcmd", e.getMessage().replace(project + "/", ""));

        write("meta/run.yaml", "runtime: native\nconfig_set:\n  loop:\n    base: a:one\n  main:\n    base: a:two\n"
                + "config_set_default: main\n");
        e = assertThrows(JcapException.class, this::inputs);
        assertEquals("meta/run.yaml: config_set.loop: its base leads back to itself: app:loop runs a:one runs app:loop",
                e.getMessage().replace(project + "/", ""));
    }
}
