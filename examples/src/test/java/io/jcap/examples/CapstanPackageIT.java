package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/capstan-package-hello, a Capstan package (meta/package.yaml, meta/run.yaml, no
 * Capstanfile), built and run with the real bin/jcap. OSv's own loader cannot be had here: the
 * loader is a boot sector that prints two lines and powers off, so the runs show which command
 * line jcap chose only through what it refuses; the byte-512 command line of each configuration
 * is checked by the builder's tests.
 */
class CapstanPackageIT {
    private static final String IMAGE = "capstan-package-hello";

    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static JcapProcess.Result built;

    @BeforeAll
    static void buildThePackage() throws Exception {
        jcap = JcapProcess.withSyntheticOsvLoader(temp, "/app/hello", "Hello from the application");
        Path pkg = copy(JcapProcess.ROOT.resolve("examples").resolve(IMAGE), temp.resolve(IMAGE));
        Process cc = new ProcessBuilder("sh", "build.sh").directory(pkg.toFile()).inheritIO().start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "build.sh (cc) failed");
        built = jcap.run("build", pkg.toString());
        assertEquals(0, built.exitCode(), built.toString());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("hello")) {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    @Test
    void build_saysTheConfigurationsAndWhereOsvBootstrapComesFrom() {
        assertTrue(built.out().startsWith("Built image " + IMAGE + ": "), built.toString());
        assertTrue(built.out().contains("\nConfigurations: hello (default), shout (run one with jcap run " + IMAGE
                + " --config-set NAME)\n"), built.toString());
        assertTrue(built.err().contains("Package jcap.example.hello requires osv.bootstrap, Capstan's base package of"
                + " OSv's own files: the OSv loader 'osv' the image starts from provides them"), built.toString());
    }

    @Test
    void imagesLs_holdsTheProgramButNotMetaNorWhatCapstanignoreLists() throws Exception {
        assertEquals(List.of("/", "/hello"), jcap.imagePaths(IMAGE));
    }

    @Test
    void imagesJson_recordsEveryConfigurationsCommandLine() throws Exception {
        JcapProcess.Result images = jcap.run("images", "--json");
        assertEquals(0, images.exitCode(), images.toString());
        JsonNode image = new ObjectMapper().readTree(images.out()).get(0);
        assertEquals("--rootfs=rofs --env=GREETING=Hello /hello", image.get("cmdline").asText());
        assertEquals("--rootfs=rofs --env=GREETING=Hey /hello --shout", image.get("configSets").get("shout").asText());
        assertEquals("hello", image.get("defaultConfigSet").asText());
    }

    @Test
    void run_configSet_bootsIt_andAnUnknownNameListsTheImagesConfigurations() throws Exception {
        JcapProcess.Result shout = jcap.run("run", "--accel", "tcg", "--config-set", "shout", IMAGE);
        assertEquals(0, shout.exitCode(), shout.toString());
        assertTrue(shout.out().contains("Hello from the application\n"), shout.toString());

        JcapProcess.Result whisper = jcap.run("run", "--config-set", "whisper", IMAGE);
        assertEquals(1, whisper.exitCode(), whisper.toString());
        assertEquals("jcap: image '" + IMAGE + "' has no configuration 'whisper': use hello, shout (the default is"
                + " hello)\n", whisper.err());
    }

    @Test
    void validate_theExampleInPlace() throws Exception {
        JcapProcess.Result valid = jcap.run("validate", "examples/" + IMAGE);
        assertEquals(0, valid.exitCode(), valid.toString());
        assertEquals("examples/" + IMAGE + "/meta/run.yaml: valid (runs /hello; configurations hello (default), shout)\n",
                valid.out());
    }
}
