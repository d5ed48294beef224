package io.jcap.builder;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileParser;
import java.nio.file.Files;
import java.nio.file.Path;

/** Throw-away projects with one file, {@code /hello}, for tests that only read a Capstanfile. */
public final class CapstanfileProjects {
    private CapstanfileProjects() {
    }

    /** A new project folder under {@code temp} whose Capstanfile is {@code text} plus {@code /hello}, parsed. */
    public static Capstanfile withHello(Path temp, String text) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("p" + System.nanoTime()));
        Files.writeString(dir.resolve("hello"), "x");
        Files.writeString(dir.resolve("Capstanfile"), text + "files:\n  /hello: hello\n");
        return new CapstanfileParser().parse(dir);
    }
}
