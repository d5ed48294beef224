package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code JCAP_HOME} that is not a folder is said by every command, before it reads anything through it. */
class JcapHomeCheckTest {
    @TempDir
    Path temp;

    record Result(int code, String out, String err) {
    }

    @Test
    void homeThatIsAFile_isRefusedByEveryCommand_asAnEnvironmentError() throws Exception {
        Path file = Files.writeString(temp.resolve("afile"), "not a folder\n");
        String expected = "jcap: JCAP_HOME (" + file + ") is not a folder: set JCAP_HOME to a folder (a missing one"
                + " is made on first use), or move what is there away\n";
        for (List<String> command : List.of(List.of("images"), List.of("ps"), List.of("kernels"),
                List.of("run", "hello"), List.of("doctor"))) {
            Result r = jcap(file, command);
            assertEquals(new Result(3, "", expected), r, command.toString());
        }
    }

    @Test
    void missingHome_isMadeOnFirstUse() throws Exception {
        Path home = temp.resolve("new-home");
        Result r = jcap(home, List.of("images"));
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void kernels_ofAnEmptyStore_saysHowToGetOne() throws Exception {
        Result r = jcap(temp.resolve("empty-home"), List.of("kernels"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("NAME"), r.toString());
        assertEquals("No kernels yet: jcap kernels pull linux gets Debian's cloud kernel, which images use unless their"
                + " Capstanfile names another\n", r.err());
    }

    @Test
    void homeThatIsAFile_stillLetsHelpAndVersionRun() throws Exception {
        Path file = Files.writeString(temp.resolve("afile"), "");
        assertEquals(0, jcap(file, List.of("--help")).code());
        assertEquals(0, jcap(file, List.of("version")).code());
        assertEquals(0, jcap(file, List.of("images", "--help")).code());
    }

    private static Result jcap(Path home, List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Jcap.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JCAP_HOME", home.toString());
        Process p = builder.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
