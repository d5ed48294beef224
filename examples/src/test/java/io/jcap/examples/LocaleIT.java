package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jcap under the C locale (cron, CI, containers): file names, the command line and the guest's
 * console stay UTF-8. A JVM started there turned every non-ASCII byte into '?': a Capstanfile
 * naming grüße.txt was refused and the guest's greeting read "Gr??e".
 */
class LocaleIT {
    @TempDir
    Path temp;

    @Test
    void buildRunAndList_underTheCLocale_keepUtf8() throws Exception {
        JcapProcess.requireMachine();
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.copyExample("hello", temp);
        Files.writeString(project.resolve("grüße.txt"), "hallo\n");
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                .replace("files:\n", "files:\n  \"/app/grüße.txt\": \"grüße.txt\"\n"));
        Map<String, String> c = Map.of("LC_ALL", "C", "LANG", "C");

        JcapProcess.Result build = jcap.run(c, "build", project.toString());
        JcapProcess.Result run = jcap.run(c, "run", "-e", "GREETING_NAME=Grüße", "hello");
        JcapProcess.Result ls = jcap.run(c, "images", "ls", "hello", "/app");

        assertEquals(0, build.exitCode(), build.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Hello from jcap, Grüße!"), run.toString());
        assertTrue(ls.out().contains("/app/grüße.txt\n"), ls.toString());
    }
}
