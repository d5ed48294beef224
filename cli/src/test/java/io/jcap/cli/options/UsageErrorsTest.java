package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.model.PortMapping;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

class UsageErrorsTest {
    @Command(name = "sample")
    static final class Sample implements Runnable {
        @Option(names = {"-p", "--publish"}, converter = PortMappingConverter.class)
        PortMapping port;

        @Option(names = {"--timeout", "-t"}, converter = DurationConverter.class)
        Duration timeout;

        @Option(names = "--count")
        Integer count;

        @Parameters(arity = "0..1", paramLabel = "WAIT", converter = DurationConverter.class)
        Duration wait;

        @Override
        public void run() {
        }
    }

    private record Outcome(int exitCode, String err) {
        String firstLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static Outcome parse(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Sample());
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(new UsageErrors());
        return new Outcome(cli.execute(args), err.toString());
    }

    @Test
    void refusedValue_isNamedByTheOptionsFirstName_whicheverNameWasTyped() {
        assertEquals("-p: host port 70000 is outside 1..65535", parse("--publish", "70000:80").firstLine());
        assertEquals("--timeout: 'soon' is not a duration: use a number of seconds, or one with ms, s or m (10, 10s, 500ms, 2m)",
                parse("-t", "soon").firstLine());
    }

    @Test
    void refusedPositionalValue_isNamedByItsLabel() {
        assertEquals("WAIT: 'later' is not a duration: use a number of seconds, or one with ms, s or m (10, 10s, 500ms, 2m)",
                parse("later").firstLine());
    }

    @Test
    void refusedValue_isAUsageError_followedByTheSynopsisAndWhereTheOptionsAre_notTheWholeHelp() {
        Outcome outcome = parse("-p", "80:");

        assertEquals(2, outcome.exitCode());
        assertEquals(List.of("-p: '80:' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp"
                        + " (8080:80, 53/udp)",
                "Usage: sample [--count=<count>] [-p=<port>] [-t=<timeout>] [WAIT]",
                "See 'sample --help'."), outcome.err().lines().toList());
    }

    @Test
    void mistypedOption_getsPicocliSuggestion_insteadOfTheSynopsis() {
        Outcome outcome = parse("--cont", "3");

        assertEquals(2, outcome.exitCode());
        assertEquals(List.of("Unknown option: '--cont'", "Possible solutions: --count",
                "See 'sample --help'."), outcome.err().lines().toList());
    }

    @Test
    void picocliOwnConversions_keepPicocliMessages() {
        Outcome outcome = parse("--count", "many");

        assertEquals(2, outcome.exitCode());
        assertEquals("Invalid value for option '--count': 'many' is not an int", outcome.firstLine());
    }
}
