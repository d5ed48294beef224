package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which subcommands the command tree holds for a given command line. */
class JcapCommandLineTest {
    private static final List<String> ALL = List.of("init", "validate", "build", "run", "ps", "logs", "stop", "rm",
            "images", "rmi", "push", "pull", "login", "volume", "kernels", "doctor", "version", "help");

    private static List<String> subcommands(String... args) {
        return List.copyOf(Jcap.commandLine(args).getSubcommands().keySet());
    }

    @Test
    void commandLine_namedSubcommand_registersOnlyThatOne() {
        assertEquals(List.of("run"), subcommands("run", "--accel", "tcg", "hello"));
        assertEquals(List.of("kernels"), subcommands("--stacktrace", "kernels", "pull", "linux"));
    }

    @Test
    void commandLine_anythingThatListsOrSuggestsCommands_registersAll() {
        assertEquals(ALL, subcommands());
        assertEquals(ALL, subcommands("help", "run"));
        assertEquals(ALL, subcommands("--help", "run"));
        assertEquals(ALL, subcommands("runn"));
        assertEquals(ALL, subcommands("--stacktrace"));
    }
}
