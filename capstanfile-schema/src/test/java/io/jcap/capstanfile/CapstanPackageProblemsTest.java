package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ExitCode;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capstan packages with mistakes: every problem of the package's files at once, at its file, line and key. */
class CapstanPackageProblemsTest {
    private static final String RUN_YAML = "runtime: native\nconfig_set:\n  hello:\n    bootcmd: /hello\n";

    @TempDir
    Path temp;
    ProjectDir project;

    @BeforeEach
    void setUp() {
        project = new ProjectDir(temp);
    }

    @Test
    void parse_packageYamlMistakes_areReportedAtTheirLineWithSuggestions() throws Exception {
        project.file("meta/package.yaml", """
                title: Hello
                authr: me
                require:
                  - osv.bootstrap
                  - openjdk8-zulu-full
                  - ../escape
                  - [a]
                """).file("meta/run.yaml", RUN_YAML);

        CapstanfileException e = assertThrows(CapstanfileException.class, project::parse);

        assertEquals("""
                meta/package.yaml:1:1: name is required (the package's name, e.g. name: com.example.app)
                meta/package.yaml:2:1: unknown key 'authr': did you mean 'author'?
                meta/package.yaml:6:5: require[2]: '../escape' is not a package name: letters, digits, '.', '_' and '-' (osv.bootstrap)
                meta/package.yaml:7:5: require[3]: ["a"] is not a package name (osv.bootstrap)""",
                e.getMessage());
        assertEquals(temp.resolve("meta"), e.file());
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals(new Problem(Path.of("meta/package.yaml"), 2, 1, "", "unknown key 'authr': did you mean 'author'?"),
                e.problems().get(1));
    }

    @Test
    void parse_runYamlMistakes_inEveryConfiguration_areAllReported() throws Exception {
        project.file("meta/run.yaml", """
                runtime: native
                bootcmd: /top
                config_set:
                  hello:
                    bootcmnd: /hello
                  shout:
                    bootcmd: /hello --shout
                    env:
                      FOO-BAR: x
                      OK: [1, 2]
                  inherit:
                    base: osv.cli:cli
                    bootcmd: /cli
                  based:
                    base: osv.cli
                  "two words":
                    bootcmd: /x
                  empty:
                config_set_default: hello
                """);

        assertEquals("""
                meta/run.yaml:2:1: bootcmd next to config_set is not read (Capstan takes the configurations from config_set only): move it into a configuration
                meta/run.yaml:5:5: config_set.hello: bootcmd is required (the command OSv runs, e.g. bootcmd: /hello, or base: PACKAGE:CONFIGURATION)
                meta/run.yaml:5:5: config_set.hello: unknown key 'bootcmnd': did you mean 'bootcmd'?
                meta/run.yaml:9:7: config_set.shout.env: 'FOO-BAR' is not a variable name: letters, digits and _, not starting with a digit (JAVA_OPTS)
                meta/run.yaml:10:11: config_set.shout.env.OK: [1,2] is not a value (PORT: 8000)
                meta/run.yaml:13:5: config_set.inherit: bootcmd next to base is not run (Capstan runs base's command): remove one of them
                meta/run.yaml:15:11: config_set.based.base: 'osv.cli' is not PACKAGE:CONFIGURATION (the configuration of a required package whose command this one runs, e.g. osv.httpserver-api:httpserver)
                meta/run.yaml:16:3: config_set: 'two words' is not a configuration name: leave out spaces, ',', '/' and ':'
                meta/run.yaml:18:9: config_set.empty: an empty value is not a map of configuration settings (bootcmd: /hello)""",
                project.problems());
    }

    @Test
    void parse_runtimesOtherThanNative_theirMistakesAtTheirKeys() throws Exception {
        project.file("meta/run.yaml", """
                runtime: java
                config_set:
                  nomain:
                    xmx: 512m
                  twoargs:
                    main: /app.jar
                    jvm_args: [-Xss1m]
                    args: [a, b]
                  other:
                    base: com.example.launcher:run
                    main: Hello
                config_set_default: nomain
                """);
        assertEquals("""
                meta/run.yaml:4:5: config_set.nomain: main is required (the program the JVM runs, e.g. main: com.example.Main or main: /app.jar)
                meta/run.yaml:7:15: config_set.twoargs.jvm_args: these 2 words become one variable, '-Xss1m -jar', which OSv's command line cannot carry with a space in it: give one word, or use runtime: native with a bootcmd that spells the whole command
                meta/run.yaml:8:11: config_set.twoargs.args: these 2 words become one variable, 'a b', which OSv's command line cannot carry with a space in it: give one word, or use runtime: native with a bootcmd that spells the whole command
                meta/run.yaml:11:5: config_set.other: main is for a JVM package's configuration (openjdk...), not for base com.example.launcher:run: remove it, or pass what it says in env""",
                project.problems());

        project.file("meta/run.yaml", "runtime: node\nshell: true\nmain: /server.js\nbase: a:b\nenv:\n  ARGS: x\n");
        assertEquals("""
                meta/run.yaml:3:1: main is not read with shell: true (the interpreter starts on the console): remove it, or shell
                meta/run.yaml:4:1: base is not read under runtime node (Capstan runs node-4.4.5:node): remove it, or use runtime: native to run another package's configuration
                meta/run.yaml:6:3: env: env ARGS is set by shell: true: remove it""", project.problems());

        project.file("meta/run.yaml", "runtime: python\nshell: yes please\n");
        assertEquals("""
                meta/run.yaml:1:1: main is required (the script the python runtime runs, e.g. main: /app.py)
                meta/run.yaml:2:8: shell: 'yes please' is not true or false""", project.problems());

        project.file("meta/run.yaml", "runtime: ruby\nbootcmd: /x\n");
        assertEquals("meta/run.yaml:1:10: runtime: 'ruby' is not a Capstan runtime: use native, java, node or python",
                project.problems());

        project.file("meta/run.yaml", "config_set:\n  a:\n    bootcmd: /a\n");
        assertEquals("meta/run.yaml:1:1: runtime is required (how the package runs, e.g. runtime: native)",
                project.problems());
    }

    @Test
    void parse_defaultConfiguration_mustNameOneConfiguration() throws Exception {
        String sets = "runtime: native\nconfig_set:\n  a:\n    bootcmd: /a\n  b:\n    bootcmd: /b\n";

        project.file("meta/run.yaml", sets);
        assertEquals("meta/run.yaml:2:1: config_set has 2 configurations (a, b) and no config_set_default: say which one"
                + " the image boots (config_set_default: a), or build with --config-set NAME", project.problems());

        project.file("meta/run.yaml", sets + "config_set_default: c\n");
        assertEquals("meta/run.yaml:7:21: config_set_default: 'c' is not a configuration of config_set: use a or b, or"
                + " several in turn, separated by ',' (a,b)",
                project.problems());

        project.file("meta/run.yaml", sets + "config_set_default: a,c\n");
        assertEquals("meta/run.yaml:7:21: config_set_default: 'c' (of 'a,c') is not a configuration of config_set: use a"
                + " or b, or several in turn, separated by ',' (a,b)", project.problems());

        CapstanfileException e = assertThrows(CapstanfileException.class,
                () -> new CapstanfileParser().withConfigSet(Optional.of("c")).parse(project.dir));
        assertEquals("meta/run.yaml:2:1: config_set has no configuration 'c' to boot by default: use a or b",
                e.getMessage());

        project.file("meta/run.yaml", "runtime: native\nbootcmd: /x\n");
        e = assertThrows(CapstanfileException.class,
                () -> new CapstanfileParser().withConfigSet(Optional.of("c")).parse(project.dir));
        assertEquals("meta/run.yaml:1:1: no configuration 'c' to boot by default: the one configuration of this file"
                + " (its top-level keys) is called 'default'", e.getMessage());

        project.file("meta/run.yaml", "runtime: native\nbootcmd: /x\nconfig_set_default: x\n");
        assertEquals("meta/run.yaml:3:1: config_set_default names a configuration of config_set, which this file lacks:"
                + " remove it, or name the configurations in config_set", project.problems());

        project.file("meta/run.yaml", "runtime: native\nconfig_set: {}\n");
        assertEquals("meta/run.yaml:2:13: config_set: config_set has no configuration: add one (hello: {bootcmd: /hello})",
                project.problems());
    }

    @Test
    void parse_missingRunYaml_syntaxErrorsAndBadIgnorePatterns_acrossFiles() throws Exception {
        project.file("meta/package.yaml", "name: app\nrequire: [osv.bootstrap\n")
                .file(".capstanignore", "# build output\nbuild\n  !keep\n/ok\n");

        assertEquals("""
                meta/package.yaml:3:1: YAML syntax error: expected ',' or ']', but got <stream end> (while parsing a flow sequence)
                meta/run.yaml: not found: it says what the package runs, and jcap needs that to build it: write one (runtime: native, then bootcmd: /hello, or named configurations in config_set; see docs/capstan-packages.md)
                .capstanignore:2:1: 'build' does not start with '/': patterns are paths from the package folder (/build, or /**/build at any depth)
                .capstanignore:3:3: '!keep' negates a pattern, which Capstan does not support either: list what to leave out instead""",
                project.problems());
    }

    @Test
    void parse_notMaps_sayWhatTheFileHolds() throws Exception {
        project.file("meta/package.yaml", "- name: app\n").file("meta/run.yaml", "native\n");

        assertEquals("""
                meta/package.yaml:1:1: [{"name":"app"}] is not a map of package keys (name: com.example.app)
                meta/run.yaml:1:1: 'native' is not a map of run keys (runtime: native)""", project.problems());
    }
}
