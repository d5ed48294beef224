package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capstan packages (meta/package.yaml, meta/run.yaml) read as a Capstanfile: an OSv image of the folder. */
class CapstanPackageParserTest {
    private static final String PACKAGE_YAML = """
            name: com.example.hello
            title: Hello
            author: Example Author (author@example.com)
            version: 1.0
            require:
              - osv.bootstrap
            created: 2017-07-24T10:20:30+02:00
            platform: Ubuntu-14.04
            """;
    private static final String RUN_YAML = """
            runtime: native
            config_set:
              hello:
                bootcmd: /hello
                env:
                  GREETING: hi
                  PORT: 8000
                  RATIO: .nan
              shout:
                bootcmd: /hello --shout
            config_set_default: hello
            """;

    @TempDir
    Path temp;
    ProjectDir project;

    @BeforeEach
    void setUp() {
        project = new ProjectDir(temp.resolve("hello-pkg"));
    }

    @Test
    void parse_namedConfigurations_giveAnOsvImageOfTheFolderRunningTheDefault() throws Exception {
        project.file("meta/package.yaml", PACKAGE_YAML).file("meta/run.yaml", RUN_YAML).file("hello", "ELF");

        Capstanfile c = project.parse();

        assertEquals(project.dir.resolve("meta/run.yaml"), c.file());
        assertEquals(project.dir, c.projectDir());
        assertEquals(Optional.of("osv"), c.kernel());
        assertEquals(Optional.of("/hello"), c.cmdline());
        assertEquals(Map.of("GREETING", "hi", "PORT", "8000", "RATIO", ".nan"), c.env());
        assertEquals(Optional.of(project.dir), c.rootfs());
        assertEquals(Map.of(), c.files());
        assertEquals(List.of(), c.build());
        assertEquals(Optional.empty(), c.base());
        assertEquals(Optional.empty(), c.fs());
        assertEquals(OptionalInt.empty(), c.cpus());
        assertEquals(Optional.of(new Runtime.Native()), c.runtime());
        CapstanPackage p = c.capstanPackage().orElseThrow();
        assertEquals("com.example.hello", p.name());
        assertEquals(List.of("osv.bootstrap"), p.requiredNames());
        assertEquals(new CapstanPackage.Requirement("osv.bootstrap", Path.of("meta/package.yaml"), 6, 5, "require[0]"),
                p.require().get(0));
        assertEquals(Map.of(
                "hello", new CapstanPackage.ConfigSet("/hello", Map.of("GREETING", "hi", "PORT", "8000", "RATIO", ".nan")),
                "shout", new CapstanPackage.ConfigSet("/hello --shout", Map.of())), p.configSets());
        assertEquals("hello", p.defaultConfigSet());
        assertTrue(p.named());
        assertEquals("config_set.shout", p.keyOf("shout"));
    }

    @Test
    void parse_severalDefaultConfigurations_runInTurn() throws Exception {
        project.file("meta/run.yaml", "runtime: native\nconfig_set:\n  setup:\n    bootcmd: /setup\n  app:\n"
                + "    bootcmd: /app\nconfig_set_default: setup, app\n");

        CapstanPackage p = new CapstanfileParser().parse(project.dir).capstanPackage().orElseThrow();

        assertEquals("setup,app", p.defaultConfigSet());
        assertEquals(List.of("setup", "app"), p.defaultSequence());
        assertEquals("/setup", p.defaultSet().bootcmd());
        CapstanPackage asked = new CapstanfileParser().withConfigSet(Optional.of("app,app")).parse(project.dir)
                .capstanPackage().orElseThrow();
        assertEquals(List.of("app", "app"), asked.defaultSequence());
    }

    @Test
    void parse_javaRuntime_runsTheJvmPackagesConfigurationWithCapstansVariables() throws Exception {
        project.file("meta/package.yaml", "name: app\nrequire:\n  - com.example.lib\n")
                .file("meta/run.yaml", """
                        runtime: java
                        config_set:
                          jar:
                            main: /app.jar
                            xmx: 512m
                          cls:
                            main: com.example.Main
                            classpath: [/app, /lib]
                            args: [--fast]
                            env:
                              ARGS: --slow
                          custom:
                            base: openjdk7:java
                            main: Other
                        config_set_default: jar
                        """);

        CapstanPackage p = new CapstanfileParser().parse(project.dir).capstanPackage().orElseThrow();

        assertEquals(List.of("openjdk8-zulu-compact1", "com.example.lib"), p.requiredNames());
        assertEquals(new CapstanPackage.Requirement("openjdk8-zulu-compact1", Path.of("meta/run.yaml"), 1, 10, "runtime"),
                p.require().get(0));
        Optional<String> jdk = Optional.of("openjdk8-zulu-compact1:java");
        assertEquals(new CapstanPackage.ConfigSet("", Map.of("CLASSPATH", "/", "JVM_ARGS", "-jar", "MAIN", "/app.jar",
                "XMX", "512m"), jdk), p.configSets().get("jar"));
        assertEquals(new CapstanPackage.ConfigSet("", Map.of("ARGS", "--slow", "CLASSPATH", "/app:/lib", "JVM_ARGS",
                "-Dx=y", "MAIN", "com.example.Main"), jdk), p.configSets().get("cls"));
        assertEquals(Optional.of("openjdk7:java"), p.configSets().get("custom").base());
    }

    @Test
    void parse_nodeAndPythonRuntimes_runTheirPackagesConfiguration() throws Exception {
        project.file("meta/run.yaml", "runtime: node\nmain: /server.js\nargs: [8000]\n");
        CapstanPackage node = new CapstanfileParser().parse(project.dir).capstanPackage().orElseThrow();
        assertEquals(List.of("node-4.4.5"), node.requiredNames());
        assertEquals(new CapstanPackage.ConfigSet("", Map.of("ARGS", "8000", "MAIN", "/server.js", "NODE_ARGS", "--"),
                Optional.of("node-4.4.5:node")), node.defaultSet());

        project.file("meta/run.yaml", "runtime: python\nshell: true\npython_args: [-u]\n");
        CapstanPackage python = new CapstanfileParser().parse(project.dir).capstanPackage().orElseThrow();
        assertEquals(new CapstanPackage.ConfigSet("", Map.of("ARGS", "", "MAIN", "-", "PYTHON_ARGS", "-u"),
                Optional.of("python-2.7:python")), python.defaultSet());
    }

    @Test
    void parse_withConfigSet_bootsThatConfigurationByDefault() throws Exception {
        project.file("meta/package.yaml", PACKAGE_YAML).file("meta/run.yaml", RUN_YAML);

        Capstanfile c = new CapstanfileParser().withConfigSet(Optional.of("shout")).parse(project.dir);

        assertEquals(Optional.of("/hello --shout"), c.cmdline());
        assertEquals(Map.of(), c.env());
        assertEquals("shout", c.capstanPackage().orElseThrow().defaultConfigSet());
        assertEquals(2, c.capstanPackage().orElseThrow().configSets().size());
    }

    @Test
    void parse_topLevelFormWithoutPackageYaml_isOneConfigurationCalledDefault_namedAfterTheFolder() throws Exception {
        project.file("meta/run.yaml", "runtime: native\nbootcmd: /tools/hello.so world\nenv:\n  DEBUG: true\n");

        Capstanfile c = project.parse();

        CapstanPackage p = c.capstanPackage().orElseThrow();
        assertEquals("hello-pkg", p.name());
        assertEquals(List.of(), p.require());
        assertEquals(Map.of("default", new CapstanPackage.ConfigSet("/tools/hello.so world", Map.of("DEBUG", "true"))),
                p.configSets());
        assertEquals("default", p.defaultConfigSet());
        assertFalse(p.named());
        assertEquals("", p.keyOf("default"));
        assertEquals(Optional.of("/tools/hello.so world"), c.cmdline());
    }

    @Test
    void parse_noConfigSetDefault_takesTheOnlyOne_orTheOneNamedDefaultAsCapstanDoes() throws Exception {
        project.file("meta/run.yaml", "runtime: native\nconfig_set:\n  only:\n    bootcmd: /only\n");
        assertEquals("only", project.parse().capstanPackage().orElseThrow().defaultConfigSet());

        project.file("meta/run.yaml", "runtime: native\nconfig_set:\n  a:\n    bootcmd: /a\n  default:\n"
                + "    bootcmd: /d\n");
        assertEquals(Optional.of("/d"), project.parse().cmdline());
    }

    @Test
    void parse_capstanignoreAndCapstansOwnFiles_stayOutOfTheImage() throws Exception {
        project.file("meta/package.yaml", PACKAGE_YAML).file("meta/run.yaml", RUN_YAML)
                .file(".capstanignore", "# sources\n/src\n\n  /**/*.o\n/logs/*\n");

        PackageIgnore ignore = project.parse().capstanPackage().orElseThrow().ignore();

        assertEquals(List.of("/meta", "/mpm-pkg", "/.git", "/.gitignore", "/.capstanignore", "/volumes",
                "/com.example.hello.mpm", "/src", "/**/*.o", "/logs/*"), ignore.patterns());
    }

    @Test
    void parse_capstanfileBesideMeta_readsTheCapstanfile() throws Exception {
        project.file("meta/run.yaml", RUN_YAML).file("hello", "ELF").capstanfile("cmdline: /hello\nfiles:\n  /hello: hello\n");

        Capstanfile c = project.parse();

        assertEquals(project.dir.resolve("Capstanfile"), c.file());
        assertEquals(Optional.empty(), c.capstanPackage());
        assertTrue(CapstanfileParser.isCapstanPackage(project.dir));
    }
}
