package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap run -i}: jcap's standard input reaches the application's console a line at a time,
 * without echo, and its end is the application's end of file. A real guest reading its stdin.
 */
class ConsoleInputIT {
    @TempDir
    static Path temp;
    static JcapProcess jcap;

    static final String READER = """
            #include <stdio.h>
            #include <string.h>
            int main(void) {
                char line[256];
                int n = 0;
                puts("reader ready");
                fflush(stdout);
                while (fgets(line, sizeof line, stdin)) {
                    line[strcspn(line, "\\n")] = 0;
                    printf("got [%s]\\n", line);
                    fflush(stdout);
                    n++;
                }
                printf("reader: end of file after %d lines\\n", n);
                return n;
            }
            """;

    @BeforeAll
    static void build() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.cProject(temp, "reader", READER, "");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
    }

    /** Typed as it comes: a line, seen by the application, then a part of a line and the end. */
    @Test
    void run_interactive_passesEachLineAsItComes_andTheEndAsEndOfFile() throws Exception {
        typeALineThenAPartAndTheEnd();
    }

    /**
     * The same through a libvirt domain: its console is a pseudo-terminal that jcap opens as a
     * libvirt stream, for the input and the output.
     */
    @Test
    @Requires(Component.LIBVIRT)
    void run_interactiveWithLibvirt_passesEachLineAsItComes_andTheEndAsEndOfFile() throws Exception {
        typeALineThenAPartAndTheEnd("--driver", "libvirt");
    }

    private static void typeALineThenAPartAndTheEnd(String... driver) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("run", "-i"));
        command.addAll(List.of(driver));
        command.add("reader");
        JcapProcess.Started run = jcap.startWithInputPipe(command.toArray(String[]::new));
        OutputStream typed = run.process().getOutputStream();
        run.awaitOut("reader ready", Duration.ofMinutes(2));
        typed.write("hello there\n".getBytes(StandardCharsets.UTF_8));
        typed.flush();
        run.awaitOut("got [hello there]", Duration.ofSeconds(60));
        typed.write("second, without its line feed".getBytes(StandardCharsets.UTF_8));
        typed.close();

        JcapProcess.Result result = run.await(Duration.ofMinutes(2));
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals(List.of("reader ready", "got [hello there]", "got [second, without its line feed]",
                "reader: end of file after 2 lines"), result.out().lines().toList(), "no echo of the input: " + result);
    }

    /** Piped: everything at once, before the application starts; nothing is lost to the boot. */
    @Test
    void run_interactive_inputGivenBeforeTheStart_reachesTheApplication() throws Exception {
        JcapProcess.Result result = jcap.runWithInput(Map.of(), "a\nb\nc\n", "run", "-i", "reader");
        assertEquals(3, result.exitCode(), result.toString());
        assertEquals(List.of("reader ready", "got [a]", "got [b]", "got [c]", "reader: end of file after 3 lines"),
                result.out().lines().toList(), result.toString());

        JcapProcess.Result empty = jcap.runWithInput(Map.of(), "", "run", "-i", "reader");
        assertEquals(0, empty.exitCode(), empty.toString());
        assertTrue(empty.out().contains("reader: end of file after 0 lines"), empty.toString());
    }

    /**
     * More output than virtlogd keeps in one file (2 MiB by default), where a pseudo-terminal's
     * log would go: every line arrives, in order, since jcap reads the console's stream instead.
     */
    @Test
    @Requires(Component.LIBVIRT)
    void run_interactiveWithLibvirt_printingMoreThanALogFileHolds_losesNoLine() throws Exception {
        Path project = JcapProcess.talkerProject(temp);
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Result result = jcap.runWithInput(Map.of(), "", "run", "-i", "--driver", "libvirt", "talker");

        assertEquals(4, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals(JcapProcess.TALKER_LINES, lines.size(), result.err());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(JcapProcess.talkerLine(i), lines.get(i));
        }
    }

    @Test
    void run_interactive_withDetach_isAUsageError() throws Exception {
        JcapProcess.Result detached = jcap.run("run", "-i", "-d", "reader");
        assertEquals(2, detached.exitCode(), detached.toString());
        assertTrue(detached.err().contains("-i passes jcap's standard input to a foreground run: drop -d or -i"),
                detached.toString());
        assertFalse(detached.err().contains("Booting"), detached.toString());
    }
}
