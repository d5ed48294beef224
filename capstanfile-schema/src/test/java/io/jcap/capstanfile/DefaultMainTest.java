package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ByteSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller that knows the main class (the Maven plugin) reads Capstanfiles that name no command. */
class DefaultMainTest {
    @TempDir
    Path dir;

    private Capstanfile parse(String text, Optional<String> main) throws Exception {
        Files.writeString(dir.resolve("Capstanfile"), text);
        return new CapstanfileParser().withDefaultMain(main).parse(dir);
    }

    @Test
    void parse_javaRuntimeWithoutMain_runsTheCallersMain() throws Exception {
        Capstanfile c = parse("runtime:\n  java:\n    xmx: 64M\n    args: [\"8080\"]\n", Optional.of("com.example.Main"));
        Runtime.Java java = (Runtime.Java) c.runtime().orElseThrow();
        assertEquals(Optional.of("com.example.Main"), java.main());
        assertEquals(Optional.of(ByteSize.ofMebibytes(64)), java.xmx());
        assertEquals(List.of("8080"), java.args());
    }

    @Test
    void parse_noRuntimeAtAll_isAJavaRuntimeWithTheCallersMain() throws Exception {
        Capstanfile c = parse("memory: 256M\n", Optional.of("com.example.Main"));
        assertEquals(Optional.of("com.example.Main"), ((Runtime.Java) c.runtime().orElseThrow()).main());
    }

    @Test
    void parse_fileWithItsOwnMain_keepsIt() throws Exception {
        Capstanfile c = parse("runtime:\n  java:\n    main: com.example.Own\n    classpath: [/app]\n",
                Optional.of("com.example.Main"));
        assertEquals(Optional.of("com.example.Own"), ((Runtime.Java) c.runtime().orElseThrow()).main());
    }

    @Test
    void parse_nativeRuntimeWithoutCmdline_isStillRefused() {
        CapstanfileException e = assertThrows(CapstanfileException.class,
                () -> parse("runtime: native\n", Optional.of("com.example.Main")));
        assertEquals("Capstanfile:1:1: cmdline is required (runtime: native runs the program cmdline names, e.g."
                + " cmdline: /hello)", e.getMessage());
    }

    @Test
    void parse_withoutDefaultMain_keepsTheUsualRule() {
        CapstanfileException e = assertThrows(CapstanfileException.class, () -> parse("memory: 256M\n", Optional.empty()));
        assertEquals("Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)",
                e.getMessage());
    }
}
