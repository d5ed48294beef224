package io.jcap.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A Capstan package as Capstan users have them: {@code meta/package.yaml}, {@code meta/run.yaml}
 * with two named configurations, the program, a {@code .capstanignore} and what Capstan and git
 * leave in such a folder ({@code mpm-pkg/}, {@code .git/}).
 */
public final class CapstanPackageSamples {
    public static final String PACKAGE_YAML = """
            name: com.example.hello
            title: Hello
            author: Example Author
            version: 1.0
            require:
              - osv.bootstrap
            """;
    public static final String RUN_YAML = """
            runtime: native
            config_set:
              hello:
                bootcmd: /hello
                env:
                  GREETING: hi
              shout:
                bootcmd: /hello --shout
                env:
                  GREETING: HELLO
                  LOUD: 1
            config_set_default: hello
            """;
    /** The default configuration's command line as a ROFS image stores it at byte 512. */
    public static final String HELLO_CMDLINE = "--rootfs=rofs --env=GREETING=hi /hello";
    public static final String SHOUT_CMDLINE = "--rootfs=rofs --env=GREETING=HELLO --env=LOUD=1 /hello --shout";

    private CapstanPackageSamples() {
    }

    /** Writes the package into a new folder {@code dir}. */
    public static Path write(Path dir) throws IOException {
        file(dir, "meta/package.yaml", PACKAGE_YAML);
        file(dir, "meta/run.yaml", RUN_YAML);
        file(dir, "hello", "#!/bin/hello\n");
        Files.setPosixFilePermissions(dir.resolve("hello"), PosixFilePermissions.fromString("rwxr-xr-x"));
        file(dir, "etc/greeting.txt", "hello\n");
        file(dir, ".capstanignore", "# the sources stay on the host\n/src\n/**/*.o\n");
        file(dir, "src/hello.c", "int main() { return 0; }\n");
        file(dir, "lib/hello.o", "object\n");
        file(dir, "mpm-pkg/hello", "collected by capstan package collect\n");
        file(dir, ".git/HEAD", "ref: refs/heads/main\n");
        file(dir, "com.example.hello.mpm", "built by capstan package build\n");
        return dir;
    }

    private static void file(Path dir, String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
}
