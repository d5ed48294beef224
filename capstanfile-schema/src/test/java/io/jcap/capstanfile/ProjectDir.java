package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A project folder in a test's temp dir: write a Capstanfile and host files, then parse it. */
final class ProjectDir {
    final Path dir;

    ProjectDir(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    ProjectDir file(String relative, String content) throws IOException {
        Path path = dir.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        return this;
    }

    ProjectDir capstanfile(String content) throws IOException {
        return file("Capstanfile", content);
    }

    Capstanfile parse() throws CapstanfileException {
        return new CapstanfileParser().parse(dir);
    }

    /** The message of the exception parsing fails with: one line per problem. */
    String problems() {
        return assertThrows(CapstanfileException.class, this::parse).getMessage();
    }
}
