package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EnvOptionsTest {
    private static final Map<String, String> HOST = Map.of("HOME", "/root", "TOKEN", "s3cret", "EMPTY", "");

    @TempDir
    Path dir;

    private static String usageMessage(Runnable parse) {
        return assertThrows(CommandLine.ParameterException.class, parse::run).getMessage();
    }

    @Test
    void entries_keyAlone_passesJcapsOwnValue_andNothingWhenItHasNone() {
        assertEquals(List.of("TOKEN=s3cret", "EMPTY=", "A=1"),
                EnvOptions.entries(List.of(), List.of("TOKEN", "UNSET", "EMPTY", "A=1"), HOST));
        assertEquals("-e: '' is not KEY=VALUE or KEY",
                usageMessage(() -> EnvOptions.entries(List.of(), List.of(""), HOST)));
        assertEquals("-e: '=x' is not KEY=VALUE or KEY",
                usageMessage(() -> EnvOptions.entries(List.of(), List.of("=x"), HOST)));
    }

    /** As docker run reads one: values as written (quotes, spaces, '='), CRLF lines, the file's before -e's. */
    @Test
    void entries_envFile_linesAsDockerRunReadsThem_thenTheOptions() throws Exception {
        Path file = dir.resolve("app.env");
        Files.writeString(file, "# settings\n\n  GREETING=\"hello there\" \nURL=http://x/?a=b\r\nTOKEN\nUNSET\n"
                + "GREETING=again\n", StandardCharsets.UTF_8);

        List<String> entries = EnvOptions.entries(List.of(file), List.of("GREETING=from -e"), HOST);

        assertEquals(List.of("GREETING=\"hello there\" ", "URL=http://x/?a=b", "TOKEN=s3cret", "GREETING=again",
                "GREETING=from -e"), entries);
        assertEquals(Map.of("GREETING", "from -e", "URL", "http://x/?a=b", "TOKEN", "s3cret"), RunOptions.env(entries));
    }

    @Test
    void entries_badEnvFileLines_nameTheFileAndLine() throws Exception {
        Path file = dir.resolve("bad.env");
        Files.writeString(file, "A=1\n=2\n");
        assertEquals(file + ":2: '=2' is not KEY=VALUE or KEY",
                usageMessage(() -> EnvOptions.entries(List.of(file), List.of(), HOST)));
        Files.writeString(file, "A=1\n\n1X=2\n");
        assertEquals(file + ":3: variable name '1X' is not allowed: use letters, digits and '_', not starting with a"
                + " digit", usageMessage(() -> EnvOptions.entries(List.of(file), List.of(), HOST)));
        Files.writeString(file, "export A=1\n");
        assertEquals(file + ":1: variable name 'export A' is not allowed: use letters, digits and '_', not starting"
                + " with a digit", usageMessage(() -> EnvOptions.entries(List.of(file), List.of(), HOST)));
        Path missing = dir.resolve("missing.env");
        assertEquals("--env-file " + missing + ": no such file",
                usageMessage(() -> EnvOptions.entries(List.of(missing), List.of(), HOST)));
        Files.write(file, new byte[] {'A', '=', (byte) 0xff, '\n'});
        assertEquals("--env-file " + file + ": not UTF-8 text",
                usageMessage(() -> EnvOptions.entries(List.of(file), List.of(), HOST)));
    }
}
